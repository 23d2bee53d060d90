import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataLine } from '../../../src/text/descriptions/wordnet-db.js';

test('parseDataLine: words (hex count, markers dropped), noun hypernyms and instance hypernyms only, the gloss', () => {
  // WordNet 3.1's wndb layout: offset lex_filenum ss_type w_cnt word lex_id … p_cnt [ptr offset pos src/tgt]… | gloss
  const line =
    '02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris(a) 0 ' +
    '04 @ 02083346 n 0000 @i 01320032 n 0000 ~ 01322604 n 0000 @ 00001740 v 0000 ' +
    '| a member of the genus Canis; "the dog barked all night"  ';
  assert.deepEqual(parseDataLine(line), {
    offset: 2084071,
    lexFile: 5,
    words: ['dog', 'domestic_dog', 'Canis_familiaris'],
    gloss: 'a member of the genus Canis; "the dog barked all night"',
    hypernyms: [2083346, 1320032],
  });
});

test('parseDataLine: a hex word count above 9 and a line without a gloss', () => {
  const words = Array.from({ length: 10 }, (_, i) => `w${i} 0`).join(' ');
  const s = parseDataLine(`00000001 03 n 0a ${words} 000`);
  assert.deepEqual(s.words, ['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'w9']);
  assert.deepEqual([s.gloss, s.hypernyms], ['', []]);
});
