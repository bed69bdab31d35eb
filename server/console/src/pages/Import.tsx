// Import: a CSV snapshot from any HRIS. The file is read in this browser; its header row shows the
// column mapping the server will use, which can be changed column by column; Preview sends it as a
// dry run and shows what it would change, and Apply writes it. Below, the runs of every source.
import { useMemo, useState } from 'preact/hooks';
import { type Attribute, ApiError, type ImportRun } from '../api';
import { IMPORT_FIELDS } from '../../../src/core/import-columns';
import { type ColumnTarget, FIELD_LABELS, type HeaderColumn, planUpload, readHeader, targetsFor } from '../csv-columns';
import { Field, PageTitle, ProblemNote, type Session, toApiError, useLoad } from '../ui';
import { RunHistory } from './import-history';
import { RunReport } from './run-report';

/** The server takes snapshots up to this size. */
const MAX_BYTES = 50 * 1024 * 1024;

const OPTION_FIELDS = ['source', 'match', 'mode', 'maxDeletePercent', 'columns'];

interface ChosenFile {
  name: string;
  text: string;
  columns: HeaderColumn[];
}

/** The options travel in the query string, but they are this form's fields: their messages go beside them. */
function asFormError(error: ApiError): ApiError {
  const errors = error.problem.errors?.map((e) => (e.location === 'query' ? { ...e, location: 'body' } : e));
  return new ApiError({ ...error.problem, errors });
}

function targetLabel(target: ColumnTarget, column: HeaderColumn): string {
  if (target === 'skip') return 'Skip: not imported';
  if (target === 'attribute') return `Attribute "${column.name}"`;
  return `${FIELD_LABELS[target]} (${target})`;
}

export function ImportPage({ session }: { session: Session }) {
  const { api } = session;
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [chosen, setChosen] = useState<ColumnTarget[]>([]);
  const [source, setSource] = useState('');
  const [match, setMatch] = useState('externalId');
  const [mode, setMode] = useState('full');
  const [maxDeletePercent, setMaxDeletePercent] = useState('10');
  const [adopt, setAdopt] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState<ImportRun | null>(null);
  const [generation, setGeneration] = useState(0);
  const attributes = useLoad(() => api.list<Attribute>('/v1/attributes'), []);
  const known = new Set((attributes.data?.data ?? []).map((a) => a.name.trim().toLowerCase()));

  async function choose(input: HTMLInputElement) {
    setFile(null);
    setFileProblem(null);
    setError(null);
    setRun(null);
    const picked = input.files?.[0];
    if (!picked) return;
    if (picked.size > MAX_BYTES) {
      setFileProblem(`${picked.name} is ${(picked.size / 1024 / 1024).toFixed(1)} MB; an import takes at most 50 MB.`);
      return;
    }
    let text: string;
    try {
      // The byte order mark a spreadsheet writes is dropped here; anything that is not UTF-8 is refused.
      text = new TextDecoder('utf-8', { fatal: true }).decode(await picked.arrayBuffer());
    } catch {
      setFileProblem(
        `${picked.name} is not UTF-8 text. Save it from your spreadsheet as "CSV UTF-8" and choose it again.`,
      );
      return;
    }
    const header = readHeader(text);
    if ('problem' in header) {
      setFileProblem(`${picked.name}: ${header.problem}`);
      return;
    }
    setFile({ name: picked.name, text, columns: header.columns });
    setChosen(header.columns.map((c) => c.inferred));
  }

  // Planned once per mapping, not per keystroke in the other fields: the text may be 50 MB.
  const plan = useMemo(() => (file ? planUpload(file.text, file.columns, chosen) : null), [file, chosen]);

  async function preview(event: Event) {
    event.preventDefault();
    if (!file || !plan) {
      setFileProblem('Choose a CSV file first.');
      return;
    }
    setBusy(true);
    setError(null);
    setRun(null);
    try {
      const query = {
        source: source.trim(),
        match,
        mode,
        maxDeletePercent,
        adopt,
        dryRun: true,
        columns: plan.columns,
      };
      setRun(await api.upload<ImportRun>('/v1/imports', query, 'text/csv; charset=utf-8', plan.text));
      setGeneration((g) => g + 1);
    } catch (e) {
      setError(asFormError(toApiError(e)));
    } finally {
      setBusy(false);
    }
  }

  const columnsMessage = error?.fieldMessage('columns') ?? null;
  return (
    <section>
      <PageTitle>Import</PageTitle>
      <p class="muted">
        Bring in people from any HRIS as a CSV export with a header row. Preview first: nothing is written until you
        apply.
      </p>
      <form class="form" onSubmit={preview} noValidate>
        <div class="field">
          <label for="import-file">CSV file</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="import-file-hint"
            onChange={(e) => choose(e.currentTarget)}
          />
          <p class="hint" id="import-file-hint">
            UTF-8, up to 50 MB. It is read in this browser and sent when you preview.
          </p>
        </div>
        {fileProblem && (
          <div class="problem" role="alert">
            {fileProblem}
          </div>
        )}
        {file && (
          <>
            <table class="list mapping">
              <caption>Columns of {file.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Imported as</th>
                </tr>
              </thead>
              <tbody>
                {file.columns.map((column) => (
                  <MappingRow
                    key={column.index}
                    column={column}
                    target={chosen[column.index] ?? column.inferred}
                    unknownAttribute={attributes.data !== null && !known.has(column.name.toLowerCase())}
                    onChange={(target) => setChosen((all) => all.map((t, i) => (i === column.index ? target : t)))}
                  />
                ))}
              </tbody>
            </table>
            <p class="hint">
              Columns match employee fields by name, ignoring case, spaces, underscores and hyphens; any other column
              fills the custom attribute of its name. A changed column is sent as a rename (<code>columns=</code>). A
              skipped column is sent with its name blanked, so the server ignores its cells and says so in the warnings;
              your file is not changed.
            </p>
            {columnsMessage && <p class="field-error">{columnsMessage}</p>}
            {plan && plan.conflicts.length > 0 && (
              <div class="warning" role="alert">
                {plan.conflicts.map((c) => (
                  <p key={c}>{c}</p>
                ))}
              </div>
            )}
          </>
        )}
        <ProblemNote error={attributes.error} />
        <ProblemNote error={error} fields={OPTION_FIELDS} />
        <div class="field-row">
          <Field
            label="Source"
            name="source"
            error={error}
            hint="The HRIS as a short lowercase name, e.g. bamboohr. An import owns the people of its source."
          >
            {(control) => (
              <input
                {...control}
                class="mono"
                autoComplete="off"
                value={source}
                onInput={(e) => setSource(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Match people by" name="match" error={error} hint="How a row finds its employee.">
            {(control) => (
              <select {...control} value={match} onChange={(e) => setMatch(e.currentTarget.value)}>
                <option value="externalId">External ID</option>
                <option value="email">E-mail</option>
              </select>
            )}
          </Field>
          <Field
            label="Mode"
            name="mode"
            error={error}
            hint={
              mode === 'full'
                ? 'People of this source missing from the file are deleted.'
                : 'Nobody is deleted: the file adds and updates people.'
            }
          >
            {(control) => (
              <select {...control} value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
                <option value="full">Full snapshot</option>
                <option value="partial">Partial</option>
              </select>
            )}
          </Field>
          <Field
            label="Stop above this share of deletions (%)"
            name="maxDeletePercent"
            error={error}
            hint="A full import deleting more of its source than this waits for you to confirm."
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={0}
                max={100}
                value={maxDeletePercent}
                onInput={(e) => setMaxDeletePercent(e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <div class="checks">
          <label class="choice">
            <input type="checkbox" checked={adopt} onChange={(e) => setAdopt(e.currentTarget.checked)} />
            <span>Take over people of other sources whose e-mail or external ID matches</span>
          </label>
        </div>
        <button type="submit" disabled={busy || (plan !== null && plan.conflicts.length > 0)}>
          {busy ? 'Previewing…' : 'Preview'}
        </button>
      </form>
      {run && (
        <>
          <h2>Result</h2>
          <RunReport
            session={session}
            run={run}
            onApplied={(applied) => {
              setRun(applied);
              setGeneration((g) => g + 1);
            }}
          />
        </>
      )}
      <RunHistory session={session} generation={generation} />
    </section>
  );
}

function MappingRow({
  column,
  target,
  unknownAttribute,
  onChange,
}: {
  column: HeaderColumn;
  target: ColumnTarget;
  unknownAttribute: boolean;
  onChange: (target: ColumnTarget) => void;
}) {
  if (column.name === '')
    return (
      <tr>
        <td data-label="Column" class="muted">
          Column {column.index + 1}, unnamed
        </td>
        <td data-label="Imported as" class="muted">
          Ignored: the header does not name it
        </td>
      </tr>
    );
  const targets = targetsFor(column);
  return (
    <tr>
      <td data-label="Column">{column.name}</td>
      <td data-label="Imported as">
        <select
          aria-label={`Import column ${column.name} as`}
          value={target}
          onChange={(e) => onChange(e.currentTarget.value as ColumnTarget)}
        >
          <optgroup label="Employee fields">
            {targets
              .filter((t) => (IMPORT_FIELDS as readonly string[]).includes(t))
              .map((t) => (
                <option key={t} value={t}>
                  {targetLabel(t, column)}
                </option>
              ))}
          </optgroup>
          {targets.includes('attribute') && <option value="attribute">{targetLabel('attribute', column)}</option>}
          <option value="skip">{targetLabel('skip', column)}</option>
        </select>
        {target !== column.inferred && <span class="badge">changed</span>}
        {target === 'attribute' && unknownAttribute && (
          <p class="hint">No attribute has this name yet, so the run will skip it unless you map it.</p>
        )}
      </td>
    </tr>
  );
}
