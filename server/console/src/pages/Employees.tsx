// Employees, read-only: search, filter by status, sort, page through. Changes come through the API
// or HiBob, not this page.
import { useState } from 'preact/hooks';
import type { Employee } from '../api';
import { Loading, PageTitle, Pager, ProblemNote, SearchBox, type Session, SortHeader, useLoad, usePager } from '../ui';

export function EmployeesPage({ session }: { session: Session }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState('lastName');
  const pager = usePager();
  const people = useLoad(
    () => session.api.list<Employee>('/v1/employees', { q, status, sort, cursor: pager.cursor, limit: 50 }),
    [q, status, sort, pager.cursor],
  );
  const restart =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      pager.reset();
      set(value);
    };

  return (
    <section>
      <PageTitle>Employees</PageTitle>
      <div class="filters">
        <SearchBox label="Search by name or e-mail" value={q} onSearch={restart(setQ)} />
        <label>
          Status{' '}
          <select value={status} onChange={(e) => restart(setStatus)(e.currentTarget.value)}>
            <option value="">Any</option>
            <option value="pending">Pending (not started)</option>
            <option value="active">Active</option>
            <option value="leaving">Leaving</option>
            <option value="left">Left</option>
          </select>
        </label>
      </div>
      <ProblemNote error={people.error} />
      {people.loading && !people.data ? (
        <Loading what="employees" />
      ) : (
        people.data && (
          <>
            <table class="list">
              <caption class="visually-hidden">Employees</caption>
              <thead>
                <tr>
                  <SortHeader label="Name" sortKey="lastName" sort={sort} onSort={restart(setSort)} />
                  <SortHeader label="E-mail" sortKey="email" sort={sort} onSort={restart(setSort)} />
                  <th scope="col">Title</th>
                  <SortHeader label="Department" sortKey="department" sort={sort} onSort={restart(setSort)} />
                  <SortHeader label="Start date" sortKey="startDate" sort={sort} onSort={restart(setSort)} />
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {people.data.data.length === 0 && (
                  <tr>
                    <td colSpan={6} class="empty">
                      No employee matches.
                    </td>
                  </tr>
                )}
                {people.data.data.map((e) => (
                  <tr key={e.id}>
                    <td data-label="Name">{e.displayName}</td>
                    <td data-label="E-mail">{e.email}</td>
                    <td data-label="Title">{e.title ?? '—'}</td>
                    <td data-label="Department">{e.department ?? '—'}</td>
                    <td data-label="Start date">{e.startDate ?? '—'}</td>
                    <td data-label="Status">
                      <span class={`badge ${e.status === 'active' ? 'good' : e.status === 'left' ? 'bad' : ''}`}>
                        {e.status}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pager={pager} nextCursor={people.data.nextCursor} />
          </>
        )
      )}
    </section>
  );
}
