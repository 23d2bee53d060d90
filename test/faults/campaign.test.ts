import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { campaignDir } from '../../src/faults/campaign.js';
import { TgrError } from '../../src/core/errors.js';

test('campaignDir joins a plain name under campaign/ and refuses a name that would leave it', () => {
  assert.equal(campaignDir(join('runs', 'a'), 'fp32-rd'), join('runs', 'a', 'campaign', 'fp32-rd'));
  for (const name of ['../../escape', 'x/../../y', '..', '/abs'])
    assert.throws(
      () => campaignDir(join('runs', 'a'), name),
      (e) => e instanceof TgrError && e.message.startsWith(`campaign name (--name) '${name}' is not a plain name`),
    );
});
