// Engagement: the overview for a period (the current one, or the one holding "Up to") with score,
// eNPS, participation and change; the trend as an SVG chart with the same figures in a table; and the
// heatmap of engagement and every driver by department, title, tenure, manager or attribute. A row
// drills in: its segment joins the segments every figure on the page is for (AND). A link may start
// the page with its interval, "Up to" and segments (a survey round links to its results so). What
// the API withholds stays hidden here too.
import { useState } from 'preact/hooks';
import type { Attribute, Heatmap, HeatmapCell, Overview, PeriodResult } from '../api';
import { SEGMENTABLE_TYPES } from '../../../src/core/attributes';
import { Loading, PageTitle, ProblemNote, type Session, useLoad } from '../ui';

/** The filters a link may start the page with (a survey round links to its results): interval, to and segments. */
function filtersInAddress() {
  const params = new URLSearchParams(window.location.search);
  return {
    interval: params.get('interval') ?? 'month',
    to: params.get('to') ?? '',
    segments: params.getAll('segment'),
  };
}

export function EngagementPage({ session }: { session: Session }) {
  const [start] = useState(filtersInAddress);
  const [interval, setPeriod] = useState(start.interval);
  const [to, setTo] = useState(start.to);
  const [by, setBy] = useState('department');
  const [segments, setSegments] = useState<string[]>(start.segments);
  const overview = useLoad(
    () => session.api.get<Overview>('/v1/engagement/overview', { interval, to, segment: segments }),
    [interval, to, segments.join('\n')],
  );
  const heatmap = useLoad(
    () => session.api.get<Heatmap>('/v1/engagement/heatmap', { interval, to, by, segment: segments }),
    [interval, to, by, segments.join('\n')],
  );
  const attributes = useLoad(() => session.api.list<Attribute>('/v1/attributes'), []);
  const o = overview.data;

  return (
    <section>
      <PageTitle>Engagement</PageTitle>
      <div class="filters">
        <label>
          Period{' '}
          <select value={interval} onChange={(e) => setPeriod(e.currentTarget.value)}>
            <option value="month">Month</option>
            <option value="quarter">Quarter</option>
            <option value="year">Year</option>
          </select>
        </label>
        <label>
          Up to <input type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Heatmap rows{' '}
          <select value={by} onChange={(e) => setBy(e.currentTarget.value)}>
            <option value="department">Department</option>
            <option value="title">Title</option>
            <option value="tenure">Tenure</option>
            <option value="manager">Manager (whole team)</option>
            {attributes.data?.data
              .filter((a) => (SEGMENTABLE_TYPES as readonly string[]).includes(a.type))
              .map((a) => (
                <option key={a.name} value={`attribute:${a.name}`}>
                  {a.name}
                </option>
              ))}
          </select>
        </label>
      </div>
      <div class="segments" aria-live="polite">
        <span>Showing: </span>
        {segments.length === 0 ? (
          <span class="badge">Everyone</span>
        ) : (
          segments.map((segment) => (
            <span key={segment} class="badge chip">
              {segment}
              <button
                type="button"
                class="ghost"
                aria-label={`Remove segment ${segment}`}
                onClick={() => setSegments(segments.filter((s) => s !== segment))}
              >
                ×
              </button>
            </span>
          ))
        )}
      </div>
      <ProblemNote error={overview.error} />
      {!o && !overview.error && <Loading what="engagement" />}
      {o && (
        <>
          <div class="cards">
            <Card
              label={`Score, ${o.period}`}
              value={o.score === null ? withheld(o) : o.score.toFixed(1)}
              change={o.change?.score ?? null}
            />
            <Card
              label="eNPS"
              value={o.nps === null ? withheld(o) : String(o.nps.score)}
              change={o.change?.nps ?? null}
            />
            <Card
              label="Participation"
              value={o.participation.rate === null ? '—' : `${Math.round(o.participation.rate * 100)}%`}
              detail={answered(o)}
            />
          </div>
          {o.score === null && (
            <p class="notice" role="note">
              {stateOf(o) === 'empty'
                ? `No answers for ${o.period} yet.`
                : o.hiddenReason === 'protectsAnother'
                  ? `Results for ${o.period} are hidden: with the results shown elsewhere they would let a smaller group's answers be worked out.`
                  : `Results for ${o.period} are hidden by the anonymity threshold: fewer than ${o.anonymityThreshold} people answered, and showing them could identify someone.`}
            </p>
          )}
          <h2 id="trend-title">Trend</h2>
          <TrendChart trend={o.trend} threshold={o.anonymityThreshold} />
          <table class="list trend-table">
            <caption>Score and eNPS per {o.interval}</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Score</th>
                <th scope="col">eNPS</th>
                <th scope="col">Answered</th>
              </tr>
            </thead>
            <tbody>
              {o.trend.map((p) => (
                <tr key={p.period}>
                  <td data-label="Period">{p.period}</td>
                  <td data-label="Score">{p.score === null ? withheld(p) : p.score.toFixed(1)}</td>
                  <td data-label="eNPS">{p.nps === null ? withheld(p) : p.nps.score}</td>
                  <td data-label="Answered">{answered(p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2 id="heatmap-title">Heatmap</h2>
      <ProblemNote error={heatmap.error} />
      {heatmap.data && (
        <HeatmapTable
          heatmap={heatmap.data}
          onDrill={(segment) => !segments.includes(segment) && setSegments([...segments, segment])}
        />
      )}
    </section>
  );
}

/**
 * Why a period shows no score: nobody has answered, or the answers are withheld. The API hides both
 * (no answers are fewer than the threshold), but only the second is the anonymity rules at work.
 */
function stateOf(p: PeriodResult): 'shown' | 'empty' | 'hidden' {
  if (p.score !== null) return 'shown';
  return p.participation.responded === 0 ? 'empty' : 'hidden';
}

/** What stands in for a score the period does not show. */
function withheld(p: PeriodResult): string {
  return stateOf(p) === 'empty' ? 'no answers yet' : 'hidden';
}

function answered(p: PeriodResult): string {
  const { responded, invited } = p.participation;
  return responded === null || invited === null ? 'withheld' : `${responded} of ${invited} answered`;
}

/** A score's colour: red at 0 through amber to green at 10, light enough for dark text. */
function colourOf(score: number): string {
  const hue = Math.round(Math.max(0, Math.min(10, score)) * 12);
  return `hsl(${hue}, 70%, 82%)`;
}

function HeatCell({ cell }: { cell: HeatmapCell }) {
  if (cell.hidden) {
    const why =
      cell.hiddenReason === 'protectsAnother' ? 'hidden to protect a smaller group' : 'hidden: too few answers';
    return (
      <td class="heat hidden-cell" title={why}>
        <span aria-hidden="true">–</span>
        <span class="visually-hidden">{why}</span>
      </td>
    );
  }
  return (
    <td class="heat" style={{ backgroundColor: colourOf(cell.score ?? 0) }} title={`${cell.n} respondents`}>
      <strong>{cell.score?.toFixed(1)}</strong>
      {cell.change !== null && (
        <span class="heat-change">{`${cell.change >= 0 ? '+' : ''}${cell.change.toFixed(1)}`}</span>
      )}
    </td>
  );
}

/** Rows × questions, colour-scaled; a row's name drills into it. */
function HeatmapTable({ heatmap, onDrill }: { heatmap: Heatmap; onDrill: (segment: string) => void }) {
  const fixed = [heatmap.total, ...(heatmap.everyoneElse ? [heatmap.everyoneElse] : [])];
  return (
    <div class="heatmap-scroll">
      <table class="heatmap" aria-labelledby="heatmap-title">
        <caption class="muted">
          {heatmap.period}: score per question; hidden cells (–) have too few answers, or would let a smaller group be
          worked out.
        </caption>
        <thead>
          <tr>
            <th scope="col">{heatmap.by}</th>
            {heatmap.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {fixed.map((row) => (
            <tr key={row.label} class="heat-total">
              <th scope="row">{row.label}</th>
              {row.cells.map((cell) => (
                <HeatCell key={cell.question} cell={cell} />
              ))}
            </tr>
          ))}
          {heatmap.rows.map((row) => (
            <tr key={row.segment}>
              <th scope="row">
                <button
                  type="button"
                  class="link"
                  title={`Show only ${row.segment}`}
                  onClick={() => row.segment && onDrill(row.segment)}
                >
                  {row.label}
                </button>
              </th>
              {row.cells.map((cell) => (
                <HeatCell key={cell.question} cell={cell} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Card({
  label,
  value,
  change,
  detail,
}: {
  label: string;
  value: string;
  change?: number | null;
  detail?: string;
}) {
  return (
    <div class="card">
      <p class="card-label">{label}</p>
      <p class="card-value">{value}</p>
      {change !== undefined && change !== null && (
        <p
          class={`card-change ${change >= 0 ? 'good' : 'bad'}`}
        >{`${change >= 0 ? '+' : ''}${change} since the period before`}</p>
      )}
      {detail && <p class="card-label">{detail}</p>}
    </div>
  );
}

function hiddenBecause(p: PeriodResult, threshold: number): string {
  if (p.hiddenReason === 'protectsAnother') return 'hidden to protect a smaller group';
  const some = p.participation.responded === null ? 'too few answers' : `${p.participation.responded} answers`;
  return `hidden by the anonymity threshold (${some}, fewer than ${threshold})`;
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { left: 36, right: 16, top: 16, bottom: 36 };

/** Score (0–10) per period: a line through the shown periods, broken where a period is hidden. */
export function TrendChart({ trend, threshold }: { trend: PeriodResult[]; threshold: number }) {
  if (trend.length === 0) return <p class="muted">No periods to show.</p>;
  const step = trend.length > 1 ? (WIDTH - PAD.left - PAD.right) / (trend.length - 1) : 0;
  const x = (i: number) => PAD.left + (trend.length > 1 ? i * step : (WIDTH - PAD.left - PAD.right) / 2);
  const y = (score: number) => PAD.top + (1 - score / 10) * (HEIGHT - PAD.top - PAD.bottom);

  // Runs of consecutive shown periods, each drawn as one line.
  const runs: { i: number; score: number }[][] = [];
  let current: { i: number; score: number }[] = [];
  trend.forEach((p, i) => {
    if (p.score === null) {
      if (current.length) runs.push(current);
      current = [];
    } else current.push({ i, score: p.score });
  });
  if (current.length) runs.push(current);
  const count = (state: ReturnType<typeof stateOf>) => trend.filter((p) => stateOf(p) === state).length;
  const labelEvery = Math.ceil(trend.length / 8);

  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="trend-title trend-desc"
        preserveAspectRatio="xMidYMid meet"
      >
        <desc id="trend-desc">
          {`Engagement score from 0 to 10 for ${trend.length} periods: ${count('shown')} shown, ${count('hidden')} ` +
            `hidden by the anonymity threshold (fewer than ${threshold} answers, or they would expose a smaller group), ` +
            `${count('empty')} with no answers yet.`}
        </desc>
        {[0, 2.5, 5, 7.5, 10].map((tick) => (
          <g key={tick} class="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick) + 4} text-anchor="end">
              {tick}
            </text>
          </g>
        ))}
        {runs.map((run) => (
          <polyline key={run[0].i} class="trend-line" points={run.map((p) => `${x(p.i)},${y(p.score)}`).join(' ')} />
        ))}
        {trend.map((p, i) => {
          const state = stateOf(p);
          if (state === 'empty')
            return (
              <g key={p.period} class="empty-point" data-period={p.period}>
                <line x1={x(i) - 4} x2={x(i) + 4} y1={HEIGHT - PAD.bottom - 4} y2={HEIGHT - PAD.bottom - 4}>
                  <title>{`${p.period}: no answers yet`}</title>
                </line>
              </g>
            );
          if (state === 'hidden')
            return (
              <g key={p.period} class="hidden-point" data-period={p.period}>
                <rect x={x(i) - 4} y={HEIGHT - PAD.bottom - 8} width={8} height={8}>
                  <title>{`${p.period}: ${hiddenBecause(p, threshold)}`}</title>
                </rect>
              </g>
            );
          return (
            <circle key={p.period} class="trend-point" data-period={p.period} cx={x(i)} cy={y(p.score ?? 0)} r={5}>
              <title>{`${p.period}: score ${(p.score ?? 0).toFixed(1)}, ${p.participation.responded} answers`}</title>
            </circle>
          );
        })}
        {trend.map((p, i) =>
          i % labelEvery === 0 || i === trend.length - 1 ? (
            <text key={p.period} class="axis-label" x={x(i)} y={HEIGHT - 12} text-anchor="middle">
              {p.period}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption class="muted">
        Squares on the axis mark periods hidden by the anonymity threshold; dashes, periods with no answers yet.
      </figcaption>
    </figure>
  );
}
