// The answer page's HTML as a screen reader and a browser without script read it: one radio group
// per question named by the question, eleven radios named by their numbers, the two ends of the
// scale described on the radios at those ends, the answers given shown checked, every value escaped.
import { formPage, notice, thanksPage } from '../../../server/src/core/survey-page';

const PAGE = {
  organization: 'Acme <R&D>',
  survey: 'Q4 pulse',
  closesAt: '2026-12-06T17:00:00.000Z',
  threshold: 5,
  invitationId: 'inv_1',
  action: '/s/tok.en',
  cssHref: '/s-assets/survey.css?v=abc',
  answeredBefore: false,
};

const questions = [
  { key: 'engagement', text: 'Would you recommend Acme <R&D>?', value: null, error: null },
  { key: 'Growth', text: 'I can learn & grow here.', value: '7', error: 'needs an answer' },
];

describe('the answer page', () => {
  const html = formPage({ ...PAGE, questions });
  const groups = [...html.matchAll(/<fieldset role="radiogroup"([^>]*)>\n<legend id="([^"]+)">([^<]*)<\/legend>/g)];

  test('is one radio group per question, named by the question', () => {
    expect(groups.map((g) => g[3])).toEqual([
      'Would you recommend Acme &lt;R&amp;D&gt;?',
      'I can learn &amp; grow here.',
    ]);
    for (const [, attributes, legendId] of groups) expect(attributes).toContain(`aria-labelledby="${legendId}"`);
    expect(groups[1][1]).toContain('aria-invalid="true"');
    expect(groups[1][1]).toContain('aria-describedby="q1-ends q1-error"');
  });

  test('names each radio by its number, and describes the two ends on the radios at them', () => {
    const radios = [...html.matchAll(/<label><input type="radio" name="q0" value="(\d+)"([^>]*)>(\d+)<\/label>/g)];
    expect(radios.map((r) => r[3])).toEqual(Array.from({ length: 11 }, (_, n) => String(n)));
    expect(radios.map((r) => r[1])).toEqual(radios.map((r) => r[3]));
    expect(radios[0][2]).toContain('aria-describedby="q0-low"');
    expect(radios[10][2]).toContain('aria-describedby="q0-high"');
    expect(radios.slice(1, 10).every((r) => !r[2].includes('aria-describedby'))).toBe(true);
    expect(html).toContain(
      '<span id="q0-low">0 = Not at all likely</span><span id="q0-high">10 = Extremely likely</span>',
    );
    expect(html).toContain(
      '<span id="q1-low">0 = Strongly disagree</span><span id="q1-high">10 = Strongly agree</span>',
    );
  });

  test('shows the answer given checked, and the problem beside its question', () => {
    expect(html).toMatch(/name="q1" value="7" checked/);
    expect(html).not.toMatch(/name="q0" value="\d+" checked/);
    expect(html).toContain('<p class="error" id="q1-error">needs an answer</p>');
  });

  test('every page has no script, its own stylesheet and no icon to fetch', () => {
    const pages = [
      html,
      thanksPage('Acme', 'Q4 pulse', PAGE.closesAt, '/s/tok.en', PAGE.cssHref),
      notice('This link is not valid', 'Check the link.', PAGE.cssHref),
    ];
    for (const page of pages) {
      expect(page).not.toMatch(/<script|\son\w+=/i);
      expect(page).toContain('<html lang="en">');
      expect(page).toContain('<link rel="icon" href="data:,">');
      expect(page).toContain(`<link rel="stylesheet" href="${PAGE.cssHref}">`);
      expect(page.match(/<h1>/g)).toHaveLength(1);
    }
  });
});
