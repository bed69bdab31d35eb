// The answer page at /s/{token}: what an employee opens from their invitation. Server-rendered, no
// script, one stylesheet from here, a form that posts back and then says thank you. Every answer is
// HTML, errors included; a link that opens nothing says so and nothing more, and too many of those
// from one address are refused for a while. The token never reaches a log line (secretPath).
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Type } from '@sinclair/typebox';
import { type FieldError, HttpProblem } from '../core/problem';
import { type FormQuestion, SURVEY_CSS, formPage, notice, thanksPage } from '../core/survey-page';
import { closingText } from '../core/survey-mail';
import { questionText } from '../core/surveys';
import { type LinkState, readLink } from '../domain/surveys/links';
import { previousAnswers, submitResponse } from '../domain/surveys/responses';
import { OPEN_ROUTE_BODY_LIMIT, decodeBody, readBody } from '../http/body';
import { type Reply, type RouteContext, defineRoute } from '../http/route';

/** No script, nothing from elsewhere, forms only back here, never framed, no referrer (the URL is a secret). */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const CSS_VERSION = crypto.createHash('sha256').update(SURVEY_CSS).digest('hex').slice(0, 12);

const base = (ctx: RouteContext) => new URL(ctx.publicUrl).pathname.replace(/\/+$/, '');
const cssHref = (ctx: RouteContext) => `${base(ctx)}/s-assets/survey.css?v=${CSS_VERSION}`;

function html(status: number, payload: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    text: { contentType: 'text/html; charset=utf-8', payload },
    headers: { ...PAGE_HEADERS, ...headers },
  };
}

/** What a link that does not open the questions shows; the status tells machines the same. */
function stateNotice(ctx: RouteContext, state: Exclude<LinkState, { kind: 'open' }>): Reply {
  const css = cssHref(ctx);
  switch (state.kind) {
    case 'invalid':
      return html(
        404,
        notice('This link is not valid', 'Check that you opened the whole link from your invitation.', css),
      );
    case 'closed':
      return html(
        410,
        notice(
          `${state.survey.name} is closed`,
          `This survey closed on ${closingText(state.closedAt)}. Thank you for your interest.`,
          css,
        ),
      );
    case 'revoked':
      return html(410, notice(`${state.survey.name} is closed for you`, 'This survey is no longer open to you.', css));
  }
}

function throttled(ctx: RouteContext, wait: number): Reply {
  return html(
    429,
    notice(
      'Too many attempts',
      `Too many links that open nothing came from your network. Try again in ${wait} seconds.`,
      cssHref(ctx),
    ),
    { 'retry-after': String(wait) },
  );
}

type OpenLink = Extract<LinkState, { kind: 'open' }>;

/**
 * Reads the link, counting a bad one against the client's address: the open state, or the page to
 * answer instead (the address must wait; the link is invalid, closed or withdrawn).
 */
async function open(ctx: RouteContext, req: IncomingMessage, token: string): Promise<OpenLink | Reply> {
  const wait = ctx.linkThrottle.waitFor(req);
  if (wait > 0) return throttled(ctx, wait);
  const state = await readLink(ctx, token);
  if (state.kind === 'invalid') ctx.linkThrottle.failed(req);
  return state.kind === 'open' ? state : stateNotice(ctx, state);
}

function form(
  ctx: RouteContext,
  state: OpenLink,
  token: string,
  questions: FormQuestion[],
  answeredBefore: boolean,
): string {
  return formPage({
    organization: state.organization.name,
    survey: state.survey.name,
    closesAt: state.survey.closesAt,
    threshold: ctx.config.anonymityThreshold,
    invitationId: state.invitation.id,
    action: `${base(ctx)}/s/${token}`,
    questions,
    answeredBefore,
    cssHref: cssHref(ctx),
  });
}

const TokenParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const shell = {
  tags: ['Surveys'],
  auth: { kind: 'none' as const },
  documented: false,
  secretPath: true,
  params: TokenParams,
};

const show = defineRoute({
  ...shell,
  method: 'GET',
  url: '/s/:token',
  operationId: 'surveyAnswerPage',
  summary: 'The answer page of a personal survey link',
  responses: { 200: { description: 'The questions, with the last answers when there were some.' } },
  async handler({ params, ctx, req }) {
    const state = await open(ctx, req, params.token);
    if (!('kind' in state)) return state;
    const previous = await previousAnswers(ctx, state.invitation.id);
    const questions = state.survey.questions.map((q) => ({
      key: q.key,
      text: questionText(q, state.organization.name),
      value: previous.has(q.key) ? String(previous.get(q.key)) : null,
      error: null,
    }));
    return html(200, form(ctx, state, params.token, questions, previous.size > 0));
  },
});

const answer = defineRoute({
  ...shell,
  method: 'POST',
  url: '/s/:token',
  operationId: 'surveyAnswer',
  summary: 'Send the answers of a personal survey link',
  responses: { 303: { description: 'Recorded: on to the thank-you page.' } },
  async handler({ params, ctx, req }) {
    const state = await open(ctx, req, params.token);
    if (!('kind' in state)) return state;
    let fields: Record<string, string>;
    try {
      fields = (decodeBody(req, await readBody(req, OPEN_ROUTE_BODY_LIMIT), 'form') ?? {}) as Record<string, string>;
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      return html(error.status, notice('The answers could not be read', error.detail, cssHref(ctx)));
    }
    // A form saved from one invitation and sent with another's link (or the other way round) records nothing.
    if (fields.invitation !== state.invitation.id)
      return html(
        400,
        notice(
          'This form belongs to another invitation',
          'Nothing was recorded. Open your own link from your invitation and answer there.',
          cssHref(ctx),
        ),
      );
    const scores = Object.create(null) as Record<string, unknown>;
    state.survey.questions.forEach((q, i) => {
      if (fields[`q${i}`] !== undefined) scores[q.key] = fields[`q${i}`];
    });
    const unknown = Object.keys(fields).filter((f) => f !== 'invitation' && !/^q\d+$/.test(f));
    try {
      if (unknown.length > 0)
        throw new HttpProblem(400, 'validation', 'Bad Request', `Unknown fields: ${unknown.join(', ')}`);
      const after = await submitResponse(ctx, params.token, scores);
      if (after.kind !== 'open') return stateNotice(ctx, after);
    } catch (error) {
      if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
      const listed = (error.extensions.errors ?? []) as FieldError[];
      const problems = new Map(listed.map((e) => [e.path.slice(1), e.message]));
      const questions = state.survey.questions.map((q) => {
        const value = scores[q.key];
        return {
          key: q.key,
          text: questionText(q, state.organization.name),
          value: typeof value === 'string' && /^(?:[0-9]|10)$/.test(value) ? value : null,
          error: problems.get(q.key) ?? null,
        };
      });
      const page = questions.some((q) => q.error !== null)
        ? form(ctx, state, params.token, questions, false)
        : notice('The answers could not be recorded', error.detail, cssHref(ctx));
      return html(error.status, page);
    }
    return { status: 303, headers: { ...PAGE_HEADERS, location: `${base(ctx)}/s/${params.token}/thanks` } };
  },
});

const thanks = defineRoute({
  ...shell,
  method: 'GET',
  url: '/s/:token/thanks',
  operationId: 'surveyThanks',
  summary: 'The thank-you page after answering',
  responses: { 200: { description: 'Thank you, and how to change the answers.' } },
  async handler({ params, ctx, req }) {
    const state = await open(ctx, req, params.token);
    if (!('kind' in state)) return state;
    return html(
      200,
      thanksPage(
        state.organization.name,
        state.survey.name,
        state.survey.closesAt,
        `${base(ctx)}/s/${params.token}`,
        cssHref(ctx),
      ),
    );
  },
});

const stylesheet = defineRoute({
  method: 'GET',
  url: '/s-assets/survey.css',
  operationId: 'surveyStylesheet',
  summary: "The answer page's stylesheet",
  tags: ['Surveys'],
  auth: { kind: 'none' },
  documented: false,
  query: Type.Object({ v: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false }),
  responses: { 200: { description: 'The stylesheet.' } },
  handler(): Reply {
    return {
      status: 200,
      text: { contentType: 'text/css; charset=utf-8', payload: SURVEY_CSS },
      headers: { 'cache-control': 'public, max-age=86400' },
    };
  },
});

export const surveyPageRoutes = [show, answer, thanks, stylesheet];
