// The pieces every page uses: links that route in place, form fields that show the server's problem
// next to them, modal dialogs on the native <dialog>, sortable headers, copy buttons, loading.
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useId as usePreactId, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, type Me, basePath } from './api';

/** What a page gets from the shell: the API for the signed-in key, who is signed in, and navigation. */
export interface Session {
  api: Api;
  me: Me;
}

export const Navigation = createContext<(to: string) => void>(() => undefined);

/** A link inside the console: a real <a> (keyboard, middle-click and copy-link work) that routes in place. */
export function Link({
  to,
  children,
  ...rest
}: { to: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const navigate = useContext(Navigation);
  return (
    <a
      {...rest}
      href={`${basePath()}${to}`}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `deps`; a slower answer to an older request never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error: toApiError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({
    type: 'about:blank',
    title: 'Unexpected error',
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
  });
}

/** A problem that is not about one field: its title and detail, announced to screen readers. */
export function ProblemNote({ error, fields = [] }: { error: ApiError | null; fields?: string[] }) {
  if (!error) return null;
  const placed = error.problem.errors?.some((e) => fields.some((f) => error.fieldMessage(f) === e.message)) ?? false;
  return (
    <div class="problem" role="alert">
      <strong>{error.problem.title}</strong>
      {placed ? <span> See the highlighted fields.</span> : <span> {error.problem.detail}</span>}
    </div>
  );
}

/** A stable id for a control, so labels and error messages can point at it. */
function useId(prefix: string): string {
  return `${prefix}${usePreactId()}`;
}

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

/** A labelled control with its hint and, when the server refused it, the server's message beside it. */
export function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: string;
  error: ApiError | null;
  hint?: ComponentChildren;
  children: (control: ControlProps) => ComponentChildren;
}) {
  const id = useId(`field-${name}`);
  const message = error?.fieldMessage(name) ?? null;
  const described = [hint ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={message ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': message !== null, 'aria-describedby': described || undefined })}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {message && (
        <p class="field-error" id={`${id}-error`}>
          {message}
        </p>
      )}
    </div>
  );
}

/** A group of checkboxes (event types, permissions) with the server's message for the whole group. */
export function Choices({
  legend,
  name,
  options,
  selected,
  onChange,
  error,
}: {
  legend: string;
  name: string;
  options: { value: string; label: string; hint?: string }[];
  selected: string[];
  onChange: (values: string[]) => void;
  error: ApiError | null;
}) {
  const id = useId(`choices-${name}`);
  const message = error?.fieldMessage(name) ?? null;
  return (
    <fieldset class={message ? 'choices invalid' : 'choices'} aria-describedby={message ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      <div class="choice-grid">
        {options.map((option) => (
          <label key={option.value} class="choice" title={option.hint}>
            <input
              type="checkbox"
              name={name}
              value={option.value}
              checked={selected.includes(option.value)}
              onChange={(event) => {
                const checked = event.currentTarget.checked;
                onChange(checked ? [...selected, option.value] : selected.filter((v) => v !== option.value));
              }}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {message && (
        <p class="field-error" id={`${id}-error`}>
          {message}
        </p>
      )}
    </fieldset>
  );
}

/**
 * A modal on the native <dialog>: focus moves in and stays in, Escape closes it, and focus returns
 * to what opened it. `variant="drawer"` slides it in from the side (history details).
 */
export function Dialog({
  title,
  onClose,
  children,
  variant = 'modal',
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  variant?: 'modal' | 'drawer';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId('dialog-title');
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog
      ref={ref}
      class={variant}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header class="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="ghost" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}

/** Asks before something that cannot be undone; shows the server's problem if it refuses. */
export function Confirm({
  title,
  message,
  action,
  onConfirm,
  onClose,
}: {
  title: string;
  message: ComponentChildren;
  action: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{message}</p>
      <ProblemNote error={error} />
      <div class="actions">
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onConfirm();
              onClose();
            } catch (e) {
              setError(toApiError(e));
              setBusy(false);
            }
          }}
        >
          {action}
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

/** Copies a value; the clipboard API where the page is a secure context, a selection copy otherwise. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  async function copy() {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(value);
      } else {
        const area = document.createElement('textarea');
        area.value = value;
        area.setAttribute('readonly', '');
        document.body.append(area);
        area.select();
        document.execCommand('copy');
        area.remove();
      }
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <span class="copy">
      <button type="button" class="secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" class="copy-status">
        {copied === true ? 'Copied' : copied === false ? 'Copy failed: select the text and copy it yourself' : ''}
      </span>
    </span>
  );
}

/** A readonly value with a copy button, for tokens, secrets and the receiver URL. */
export function Secret({ label, value }: { label: string; value: string }) {
  const id = useId('secret');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="secret-row">
        <input id={id} class="mono" readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton value={value} />
      </div>
    </div>
  );
}

/** A column header that sorts by `key`; says which way it sorts with aria-sort. */
export function SortHeader({
  label,
  sortKey,
  sort,
  onSort,
}: {
  label: string;
  sortKey: string;
  sort: string;
  onSort: (sort: string) => void;
}) {
  const direction = sort === sortKey ? 'ascending' : sort === `-${sortKey}` ? 'descending' : 'none';
  return (
    <th scope="col" aria-sort={direction}>
      <button type="button" class="sort" onClick={() => onSort(direction === 'ascending' ? `-${sortKey}` : sortKey)}>
        {label}
        <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ' ↕'}</span>
      </button>
    </th>
  );
}

/** A search box that asks the server once typing pauses. */
export function SearchBox({ label, value, onSearch }: { label: string; value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const id = useId('search');
  useEffect(() => {
    if (text === value) return undefined;
    const timer = setTimeout(() => onSearch(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <div class="search">
      <label for={id}>{label}</label>
      <input id={id} type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} />
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The page heading, focused after navigation so a screen reader announces where the user now is. */
export function PageTitle({ children, actions }: { children: ComponentChildren; actions?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus({ preventScroll: true }), []);
  return (
    <div class="page-title">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {actions && <div class="actions">{actions}</div>}
    </div>
  );
}

/** Cursor paging with a way back: the cursors of the pages before this one. */
export function usePager() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    /** Back to the first page, as a change of sort, search or filter needs. */
    reset: () => setCursors([]),
    next: (cursor: string) => setCursors((all) => [...all, cursor]),
    previous: () => setCursors((all) => all.slice(0, -1)),
    hasPrevious: cursors.length > 0,
  };
}

/** Previous/Next buttons under a list. */
export function Pager({ pager, nextCursor }: { pager: ReturnType<typeof usePager>; nextCursor: string | null }) {
  if (!pager.hasPrevious && !nextCursor) return null;
  return (
    <div class="pager">
      {pager.hasPrevious && (
        <button type="button" class="secondary" onClick={pager.previous}>
          Previous page
        </button>
      )}
      {nextCursor && (
        <button type="button" class="secondary" onClick={() => pager.next(nextCursor)}>
          Next page
        </button>
      )}
    </div>
  );
}
