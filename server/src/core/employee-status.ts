// Employee status and survey eligibility, derived from start and separation dates (never stored).

export type EmployeeStatus = 'pending' | 'active' | 'leaving' | 'left';

export interface EmploymentDates {
  startDate: string | null;
  separationDate: string | null;
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function calendarDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * pending before the start date; leaving while a separation date is today or later; left once it
 * has passed (the separation date is the last working day); otherwise active.
 */
export function employeeStatus(dates: EmploymentDates, today: string): EmployeeStatus {
  if (dates.startDate !== null && dates.startDate > today) return 'pending';
  if (dates.separationDate !== null) return dates.separationDate < today ? 'left' : 'leaving';
  return 'active';
}

/** Surveyable on a date: started by then, and not separated before it. */
export function isSurveyable(dates: EmploymentDates, on: string): boolean {
  return (
    (dates.startDate === null || dates.startDate <= on) && (dates.separationDate === null || dates.separationDate >= on)
  );
}
