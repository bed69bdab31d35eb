// What counts as a date or a timestamp on the API: RFC 3339, but only what the rest of the server
// can represent without surprises. JavaScript has no leap seconds (23:59:60 would be an Invalid
// Date), and Date.UTC reads years 0–99 as 1900–1999, so both are refused at the door.

/** The earliest and latest years a date or timestamp may carry. */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD`, a real calendar day in the supported years. */
export function isValidDate(text: string): boolean {
  const match = DATE.exec(text);
  return match !== null && isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** An RFC 3339 timestamp with an upper-case `T` and `Z` or an offset, no leap second, in the supported years. */
export function isValidTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (match === null || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  const [hour, minute, second] = [match[4], match[5], match[6]].map(Number);
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return false;
  // An offset can move the instant across a year boundary; the instant must stay in range too.
  const year = new Date(text).getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR;
}
