import { test } from 'node:test';
import { assertTrainsSmall } from './train-small.js';
import { buildSwinV2 } from './swin-v2-small.js';

test('a reduced Swin-V2 trains through the trainer: every parameter of both heads trains and the loss falls on a learnable synthetic task', async () => {
  // 32×32: the 8×8 first-stage map is shifted and masked, the 2×2 last one padded to the 4×4 window.
  await assertTrainsSmall(buildSwinV2, [3, 32, 32]);
});
