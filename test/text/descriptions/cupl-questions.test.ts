import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillQuestion, questionSets } from '../../../src/text/descriptions/cupl-questions.js';

test('fillQuestion: article by the first letter (any case), class and kind filled everywhere', () => {
  assert.equal(fillQuestion(questionSets.objects[0], 'apple', 'object'), 'Describe what an apple looks like');
  assert.equal(fillQuestion(questionSets.objects[0], 'Owl', 'object'), 'Describe what an Owl looks like');
  assert.equal(fillQuestion(questionSets.objects[0], 'cat', 'object'), 'Describe what a cat looks like');
  assert.equal(
    fillQuestion(questionSets['fine-grained'][0], 'indigo bunting', 'bird'),
    'Describe what an indigo bunting, a species of bird, looks like',
  );
});

test("questionSets: CuPL's sets (5 generic, 3 food, 6 fine-grained), every question naming the class", () => {
  assert.deepEqual(
    Object.entries(questionSets).map(([k, v]) => [k, v.length]),
    [
      ['objects', 5],
      ['food', 3],
      ['fine-grained', 6],
    ],
  );
  for (const q of Object.values(questionSets).flat()) assert.ok(q.includes('{class}'), q);
});
