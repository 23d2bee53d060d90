/**
 * The session of a training or gradient graph. A graph with Dropout gets a new session each epoch, its masks seeded
 * from (run seed, epoch, stream); a graph without keeps one session for the whole run.
 */
import type { Session } from '../engine/session.js';
import type { Model } from '../onnx/types.js';
import { invariant } from '../core/errors.js';
import { hasDropout, seedDropout } from './dropout-seeds.js';

export class EpochSession {
  private session: Session | null = null;
  private readonly dropout: boolean;

  private constructor(
    private readonly graph: Model,
    private readonly open: (graph: Model) => Promise<Session>,
    private readonly seed: number,
    private readonly stream: string | undefined,
  ) {
    this.dropout = hasDropout(graph);
  }

  /** Opens the session now, or at beginEpoch when the graph has Dropout. */
  static async create(
    graph: Model,
    open: (graph: Model) => Promise<Session>,
    seed: number,
    stream?: string,
  ): Promise<EpochSession> {
    const s = new EpochSession(graph, open, seed, stream);
    if (!s.dropout) s.session = await open(graph);
    return s;
  }

  /** Called before epoch `e`'s first step: reseeds Dropout, when the graph has any. */
  async beginEpoch(e: number): Promise<void> {
    if (!this.dropout) return;
    await this.session?.release();
    this.session = null;
    this.session = await this.open(seedDropout(this.graph, this.seed, e, this.stream));
  }

  /** The session of the current epoch. */
  get current(): Session {
    invariant(this.session, 'step before beginEpoch on a graph with Dropout');
    return this.session;
  }

  async release(): Promise<void> {
    await this.session?.release();
  }
}
