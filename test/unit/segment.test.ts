import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentDocumentBody, splitParagraphs, splitSentences, toParagraphs } from '../../src/text/segment.js';

const noSpace = (s: string) => s.replace(/\s+/g, '');

/** Sentences are trimmed, non-empty, in order, verbatim, and cover the paragraph. */
function expectCovers(paragraph: string, sentences: string[]): void {
  let cursor = 0;
  for (const s of sentences) {
    expect(s).not.toBe('');
    expect(s).toBe(s.trim());
    const at = paragraph.indexOf(s, cursor);
    expect(at).toBeGreaterThanOrEqual(cursor);
    expect(paragraph.slice(cursor, at).trim()).toBe('');
    cursor = at + s.length;
  }
  expect(paragraph.slice(cursor).trim()).toBe('');
  expect(noSpace(sentences.join(''))).toBe(noSpace(paragraph));
}

describe('splitParagraphs', () => {
  it('GIVEN blank lines and single newlines THEN each non-empty line is a paragraph', () => {
    expect(splitParagraphs('One.\n\nTwo.\nThree.\n\n\n  Four.  \n')).toEqual(['One.', 'Two.', 'Three.', 'Four.']);
  });

  it('GIVEN CRLF and lone CR line endings THEN they split like LF', () => {
    expect(splitParagraphs('One.\r\n\r\nTwo.\r\nThree.\rFour.')).toEqual(['One.', 'Two.', 'Three.', 'Four.']);
  });

  it('GIVEN inner whitespace and tabs THEN the paragraph keeps them verbatim', () => {
    expect(splitParagraphs('\t  A  b\tc.  ')).toEqual(['A  b\tc.']);
  });

  it('GIVEN only whitespace THEN there are no paragraphs', () => {
    expect(splitParagraphs(' \n\r\n\t\n')).toEqual([]);
    expect(splitParagraphs('')).toEqual([]);
  });
});

describe('splitSentences', () => {
  const cases: [string, string, string[]][] = [
    ['plain sentences', 'It rained. Then it stopped! Did it? Yes.', ['It rained.', 'Then it stopped!', 'Did it?', 'Yes.']],
    ['titles', 'Mr. Smith met Dr. Jones and Prof. Lee. They talked.', ['Mr. Smith met Dr. Jones and Prof. Lee.', 'They talked.']],
    [
      'political titles',
      'Sen. Warren, Rep. Ocasio and Gov. Newsom met Gen. Milley and Col. Sanders. Lt. Dan and Sgt. Pepper came too.',
      ['Sen. Warren, Rep. Ocasio and Gov. Newsom met Gen. Milley and Col. Sanders.', 'Lt. Dan and Sgt. Pepper came too.'],
    ],
    ['St. and Rev. and Hon.', 'St. Petersburg hosted Rev. King and Hon. Jane Doe. It was cold.', ['St. Petersburg hosted Rev. King and Hon. Jane Doe.', 'It was cold.']],
    ['a title inside brackets or quotes', '(Mr. Smith) came. “Dr. Who” left.', ['(Mr. Smith) came.', '“Dr. Who” left.']],
    ['Jr. before a new sentence', 'The speech was by Martin Luther King Jr. He was a leader.', ['The speech was by Martin Luther King Jr.', 'He was a leader.']],
    ['Jr. mid-sentence', 'Martin Luther King Jr. was a leader.', ['Martin Luther King Jr. was a leader.']],
    ['months before a day', 'They met on Jan. 5 and again on Sept. 12. Talks failed in Dec. 2023.', ['They met on Jan. 5 and again on Sept. 12.', 'Talks failed in Dec. 2023.']],
    ['a month at the end of a sentence', 'It happened in Jan. Nobody noticed.', ['It happened in Jan.', 'Nobody noticed.']],
    ['e.g. and i.e.', 'Some states, e.g. Pakistan, hesitate; i.e. They wait. Others act.', ['Some states, e.g. Pakistan, hesitate; i.e. They wait.', 'Others act.']],
    ['e.g. before a capitalised name', 'Several countries, e.g. Russia and China, objected. The vote passed.', ['Several countries, e.g. Russia and China, objected.', 'The vote passed.']],
    ['etc. ending a sentence', 'They bought apples, pears, etc. Then they left.', ['They bought apples, pears, etc.', 'Then they left.']],
    ['etc. mid-sentence', 'Apples, pears, etc. are fruit. Bread is not.', ['Apples, pears, etc. are fruit.', 'Bread is not.']],
    ['vs. and No.', 'Smith vs. Jones was decided. No. 5 is next.', ['Smith vs. Jones was decided.', 'No. 5 is next.']],
    ['approx.', 'It costs approx. 5 dollars. Cheap.', ['It costs approx. 5 dollars.', 'Cheap.']],
    ['company suffixes', 'Acme Inc. announced a deal with Foo Corp. and Bar Ltd. on Monday. It was bought by Baz Co. The deal closed.', [
      'Acme Inc. announced a deal with Foo Corp. and Bar Ltd. on Monday.',
      'It was bought by Baz Co.',
      'The deal closed.',
    ]],
    ['U.S. State Department', 'The U.S. State Department said so. Then it left.', ['The U.S. State Department said so.', 'Then it left.']],
    ['U.S. President and U.N. Security Council', 'U.S. President Biden spoke to the U.N. Security Council. He left.', ['U.S. President Biden spoke to the U.N. Security Council.', 'He left.']],
    ['U.S. ending a sentence', 'She lives in the U.S. Next year she moves to the U.K. It rains there.', ['She lives in the U.S.', 'Next year she moves to the U.K.', 'It rains there.']],
    ['U.K. and E.U. mid-sentence', 'The U.K. and the E.U. argued. The U.N. watched.', ['The U.K. and the E.U. argued.', 'The U.N. watched.']],
    ['a.m. and p.m. before lower case or a digit', 'We left at 5 a.m. and came back at 6 p.m. yesterday. Fine.', ['We left at 5 a.m. and came back at 6 p.m. yesterday.', 'Fine.']],
    ['p.m. ending a sentence', 'The meeting ends at 6 p.m. Smith will chair it.', ['The meeting ends at 6 p.m.', 'Smith will chair it.']],
    ['a middle initial', 'John F. Kennedy was president. He died in 1963.', ['John F. Kennedy was president.', 'He died in 1963.']],
    ['several initials', 'J.R.R. Tolkien wrote books. He died.', ['J.R.R. Tolkien wrote books.', 'He died.']],
    ['a single capital ending a sentence', 'They chose Plan B. The next plan failed.', ['They chose Plan B.', 'The next plan failed.']],
    ['decimals and money', 'Trade is approaching $1.5 billion. It grew 3.5% this year.', ['Trade is approaching $1.5 billion.', 'It grew 3.5% this year.']],
    ['curly quotes after the period', 'He said “stop.” Then he left.', ['He said “stop.”', 'Then he left.']],
    ['straight quotes after the period', 'He said "stop." Then he left.', ['He said "stop."', 'Then he left.']],
    ['a question in quotes followed by lower case', '“Is it over?” she asked. “Yes.”', ['“Is it over?” she asked.', '“Yes.”']],
    ['ellipses mid-sentence', 'Wait… what happened? Nothing... really. Okay.', ['Wait… what happened?', 'Nothing... really.', 'Okay.']],
    ['a URL with dots and a query', 'Visit https://example.com/a.b?c=d.e for more. Thanks.', ['Visit https://example.com/a.b?c=d.e for more.', 'Thanks.']],
    ['a URL ending a sentence', 'Read it at https://example.com/x?y=1. Then reply.', ['Read it at https://example.com/x?y=1.', 'Then reply.']],
    ['numbered list items in one paragraph', '1. First step. 2. Second step.', ['1. First step.', '2. Second step.']],
    ['a bullet line', '- item one, with detail', ['- item one, with detail']],
    ['bullets inside a line', '• First item • Second item.', ['• First item • Second item.']],
    ['a heading without punctuation', 'Energy and trade', ['Energy and trade']],
    ['dashes', 'It takes most – but importantly not all – of its cues from America. Really.', ['It takes most – but importantly not all – of its cues from America.', 'Really.']],
  ];

  for (const [name, input, expected] of cases) {
    it(`GIVEN ${name} THEN it splits as a reader would`, () => {
      const got = splitSentences(input);
      expect(got).toEqual(expected);
      expectCovers(input, got);
    });
  }

  it('GIVEN leading and trailing whitespace THEN sentences are trimmed', () => {
    expect(splitSentences('  One.   Two.  ')).toEqual(['One.', 'Two.']);
  });

  it('GIVEN an empty or blank string THEN there are no sentences', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('   ')).toEqual([]);
  });

  it('GIVEN text without any terminal punctuation THEN it is one sentence', () => {
    expect(splitSentences('no punctuation at all here')).toEqual(['no punctuation at all here']);
  });

  it('GIVEN arbitrary text THEN sentences are verbatim, in order, and lose nothing but whitespace', () => {
    const pieces = [
      'Mr.', 'Dr.', 'U.S.', 'U.K.', 'etc.', 'e.g.', 'i.e.', 'p.m.', 'Jan.', 'No.', 'F.', 'J.R.R.', 'vs.', 'Inc.',
      'word', 'Word', 'the', 'State', 'Department', 'He', 'she', '5', '$1.5', '3.5%', '“quoted.”', '"quoted."',
      '?', '!', '.', '…', '...', ',', '–', 'https://example.com/a.b?c=d.e', '(', ')', '1.', '2)', '•', '-', 'Über',
      'é', '日本語。', '🙂', ' ', '  ', '\t', '\u00a0',
    ];
    const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join(' '));
    fc.assert(
      fc.property(text, (paragraph) => {
        expectCovers(paragraph, splitSentences(paragraph));
      }),
      { numRuns: 500 },
    );
  });

  it('GIVEN random unicode strings THEN the covering property still holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (paragraph) => {
        expectCovers(paragraph, splitSentences(paragraph));
      }),
      { numRuns: 500 },
    );
  });
});

describe('segmentDocumentBody', () => {
  it('GIVEN a body THEN paragraphs are numbered from 1 with their sentences', () => {
    const paras = segmentDocumentBody('First one. Second one.\n\nThird one.\r\nFourth.');
    expect(paras).toEqual([
      { index: 1, text: 'First one. Second one.', sentences: ['First one.', 'Second one.'] },
      { index: 2, text: 'Third one.', sentences: ['Third one.'] },
      { index: 3, text: 'Fourth.', sentences: ['Fourth.'] },
    ]);
  });

  it('GIVEN pre-split texts THEN toParagraphs numbers them the same way', () => {
    expect(toParagraphs(['One. Two.', 'Three.']).map((p) => [p.index, p.sentences])).toEqual([
      [1, ['One.', 'Two.']],
      [2, ['Three.']],
    ]);
  });
});
