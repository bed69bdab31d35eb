// The answer page an employee sees, as server-rendered HTML: no script at all, one stylesheet from
// this server, a form that posts back. Each question is a radio group named by the question, each
// radio by its number, with the scale's two ends said in words. Pure: text in, HTML out, every value
// escaped.
import { closingText } from './survey-mail';
import { ENGAGEMENT_QUESTION } from './surveys';

export const SURVEY_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
main{max-width:640px;margin:0 auto;padding:24px 16px 48px}
header p{margin:0;color:#4a5260;font-size:.95rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
.promise{background:#fff;border-left:4px solid #2f6f4f;padding:12px 14px;margin:0 0 20px;border-radius:4px}
fieldset{border:1px solid #d3d7de;border-radius:8px;background:#fff;margin:0 0 16px;padding:14px 12px 12px}
legend{font-weight:600;padding:0 4px;max-width:100%}
.scale{display:grid;grid-template-columns:repeat(11,minmax(0,1fr));gap:2px;margin-top:8px}
.scale label{display:flex;flex-direction:column;align-items:center;gap:2px;padding:6px 0;border-radius:6px;cursor:pointer;font-variant-numeric:tabular-nums}
.scale input{width:22px;height:22px;margin:0;accent-color:#2f6f4f}
.scale input:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.scale label:has(input:checked){background:#dcebe2;font-weight:600}
@media (max-width:359px){.scale{grid-template-columns:repeat(6,minmax(0,1fr));row-gap:4px}}
.ends{display:flex;justify-content:space-between;font-size:.85rem;color:#4a5260;margin-top:4px}
.error{color:#a3101a;font-weight:600;margin:6px 0 0}
.summary{background:#fdecee;border:1px solid #a3101a;border-radius:8px;padding:12px 14px;margin:0 0 16px}
button{font:inherit;font-weight:600;background:#2f6f4f;color:#fff;border:0;border-radius:8px;padding:12px 20px;width:100%;cursor:pointer}
button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.note{color:#4a5260;font-size:.9rem}
a{color:#1d4ed8}
`;

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** The whole document around a page's content. */
export function page(title: string, content: string, cssHref: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(cssHref)}">
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`;
}

export interface FormQuestion {
  key: string;
  text: string;
  /** The score chosen so far (a previous response, or what was just posted), if any. */
  value: string | null;
  error: string | null;
}

export interface FormPage {
  organization: string;
  survey: string;
  closesAt: string;
  threshold: number;
  invitationId: string;
  action: string;
  questions: FormQuestion[];
  /** The person answered before: the page says their answers are shown and can be changed. */
  answeredBefore: boolean;
  cssHref: string;
}

const ENDS: Record<string, [string, string]> = {
  [ENGAGEMENT_QUESTION]: ['Not at all likely', 'Extremely likely'],
};
const DEFAULT_ENDS: [string, string] = ['Strongly disagree', 'Strongly agree'];

export function promise(organization: string, threshold: number): string {
  return `Your answers are anonymous: results are only shown for groups of at least ${threshold} people, and ${organization} never sees one person's answers.`;
}

export function formPage(p: FormPage): string {
  const errors = p.questions.filter((q) => q.error !== null);
  const fieldsets = p.questions
    .map((q, i) => {
      const [low, high] = ENDS[q.key] ?? DEFAULT_ENDS;
      const legendId = `q${i}-legend`;
      const endsId = `q${i}-ends`;
      const errorId = `q${i}-error`;
      const describedBy = [endsId, ...(q.error === null ? [] : [errorId])].join(' ');
      const lowId = `q${i}-low`;
      const highId = `q${i}-high`;
      const radios = Array.from({ length: 11 }, (_, n) => {
        const checked = q.value === String(n) ? ' checked' : '';
        // The two ends say what they mean where a screen reader lands on them, not only under the scale.
        const end = n === 0 ? ` aria-describedby="${lowId}"` : n === 10 ? ` aria-describedby="${highId}"` : '';
        return `<label><input type="radio" name="q${i}" value="${n}"${checked}${end}${n === 0 ? ' required' : ''}>${n}</label>`;
      }).join('');
      return `<fieldset role="radiogroup" aria-labelledby="${legendId}" aria-describedby="${describedBy}"${q.error === null ? '' : ' aria-invalid="true"'}>
<legend id="${legendId}">${escapeHtml(q.text)}</legend>
<div class="scale">${radios}</div>
<div class="ends" id="${endsId}"><span id="${lowId}">0 = ${escapeHtml(low)}</span><span id="${highId}">10 = ${escapeHtml(high)}</span></div>
${q.error === null ? '' : `<p class="error" id="${errorId}">${escapeHtml(q.error)}</p>`}
</fieldset>`;
    })
    .join('\n');
  const summary =
    errors.length === 0
      ? ''
      : `<div class="summary" role="alert"><p><strong>Please answer every question.</strong></p><ul>${errors
          .map((q) => `<li>${escapeHtml(q.text)}: ${escapeHtml(q.error ?? '')}</li>`)
          .join('')}</ul></div>`;
  const before = p.answeredBefore
    ? `<p class="note">You answered already; your answers are shown below. Change any of them and send again: the last answers count.</p>`
    : '';
  return page(
    p.survey,
    `<header><p>${escapeHtml(p.organization)}</p><h1>${escapeHtml(p.survey)}</h1></header>
<p class="promise">${escapeHtml(promise(p.organization, p.threshold))}</p>
<p class="note">Open until ${escapeHtml(closingText(p.closesAt))}. Each question is a scale from 0 to 10.</p>
${before}${summary}<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="invitation" value="${escapeHtml(p.invitationId)}">
${fieldsets}
<button type="submit">Send my answers</button>
</form>`,
    p.cssHref,
  );
}

export function thanksPage(
  organization: string,
  survey: string,
  closesAt: string,
  again: string,
  cssHref: string,
): string {
  return page(
    `Thank you: ${survey}`,
    `<header><p>${escapeHtml(organization)}</p><h1>Thank you, your answers are in.</h1></header>
<p>You can change them until ${escapeHtml(closingText(closesAt))}: <a href="${escapeHtml(again)}">open ${escapeHtml(survey)} again</a>.</p>`,
    cssHref,
  );
}

/** A page that says why the link opens nothing, and nothing more. */
export function notice(title: string, message: string, cssHref: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`, cssHref);
}
