/**
 * Fan-out of committed changes to Server-Sent-Event subscribers.
 *
 * Change notification goes through the database (NOTIFY inside the push transaction, LISTEN
 * here), so several HQ instances on one PostgreSQL all see every write. On a notification for
 * a collection with subscribers, this instance reads the rows after the last sequence it
 * broadcast (one query per collection, whatever the number of subscribers) and sends them as
 * `{ documents, checkpoint }`. When it may have missed something (listener reconnected, a
 * burst too big for one event) it sends 'RESYNC' and clients pull from their own checkpoint.
 */
import type { CollectionDef } from '../shared/schema';
import type { StreamMessage } from '../shared/sync/protocol';
import type { Database } from './db';
import { CHANGES_CHANNEL, currentMaxSeq, readChanges, type StoredRow } from './store';

const MAX_EVENT_ROWS = 500;

export interface ChangeSubscriber {
  send(message: StreamMessage): void;
  /** Which rows this subscriber may see (branch scoping, issue 6). */
  visible(row: StoredRow): boolean;
}

interface CollectionFeed {
  def: CollectionDef;
  subscribers: Set<ChangeSubscriber>;
  lastSeq: number | null;
  /** Serialises reads for this collection so events go out in order. */
  queue: Promise<void>;
}

export class ChangeFeed {
  private feeds = new Map<string, CollectionFeed>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly onError: (err: unknown) => void,
    /** A device was revoked (on any instance): close its streams. */
    private readonly onDeviceRevoked: (deviceId: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(
      CHANGES_CHANNEL,
      (payload) => this.onNotify(payload),
      () => this.resyncAll(),
    );
  }

  async stop(): Promise<void> {
    const u = this.unlisten;
    this.unlisten = null;
    if (u) await u();
    await Promise.all([...this.feeds.values()].map((f) => f.queue));
    this.feeds.clear();
  }

  subscriberCount(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.subscribers.size;
    return n;
  }

  /** Register a subscriber; it is sent 'RESYNC' first. Returns the unsubscribe function. */
  subscribe(def: CollectionDef, subscriber: ChangeSubscriber): () => void {
    let feed = this.feeds.get(def.name);
    if (!feed) {
      feed = { def, subscribers: new Set(), lastSeq: null, queue: Promise.resolve() };
      this.feeds.set(def.name, feed);
      const f = feed;
      this.enqueue(f, async () => {
        if (f.lastSeq === null) f.lastSeq = await currentMaxSeq(this.db, def.name);
      });
    }
    subscriber.send('RESYNC');
    feed.subscribers.add(subscriber);
    const f = feed;
    return () => {
      f.subscribers.delete(subscriber);
      if (f.subscribers.size === 0 && this.feeds.get(def.name) === f) this.feeds.delete(def.name);
    };
  }

  private enqueue(feed: CollectionFeed, task: () => Promise<void>) {
    feed.queue = feed.queue.then(task).catch((err: unknown) => {
      this.onError(err);
      // We do not know what was missed: let every client pull from its own checkpoint.
      feed.lastSeq = null;
      this.broadcast(feed, 'RESYNC');
    });
  }

  private onNotify(payload: string) {
    let collection: unknown;
    try {
      const parsed = JSON.parse(payload) as { collection?: unknown; revokedDevice?: unknown };
      if (typeof parsed.revokedDevice === 'string') {
        this.onDeviceRevoked(parsed.revokedDevice);
        return;
      }
      collection = parsed.collection;
    } catch {
      return;
    }
    if (typeof collection !== 'string') return;
    const feed = this.feeds.get(collection);
    if (!feed) return;
    this.enqueue(feed, async () => {
      if (feed.subscribers.size === 0) return;
      if (feed.lastSeq === null) {
        feed.lastSeq = await currentMaxSeq(this.db, collection);
        this.broadcast(feed, 'RESYNC');
        return;
      }
      const rows = await readChanges(this.db, collection, feed.lastSeq, MAX_EVENT_ROWS + 1);
      const last = rows[rows.length - 1];
      if (!last) return;
      feed.lastSeq = last.seq;
      if (rows.length > MAX_EVENT_ROWS) {
        feed.lastSeq = await currentMaxSeq(this.db, collection);
        this.broadcast(feed, 'RESYNC');
        return;
      }
      const checkpoint = { id: last.id, seq: last.seq };
      for (const s of feed.subscribers) {
        const documents = rows.filter((r) => s.visible(r)).map((r) => r.doc);
        if (documents.length > 0) this.safeSend(s, { documents, checkpoint });
      }
    });
  }

  private resyncAll() {
    for (const feed of this.feeds.values()) {
      this.enqueue(feed, async () => {
        feed.lastSeq = await currentMaxSeq(this.db, feed.def.name);
        this.broadcast(feed, 'RESYNC');
      });
    }
  }

  private broadcast(feed: CollectionFeed, message: StreamMessage) {
    for (const s of feed.subscribers) this.safeSend(s, message);
  }

  private safeSend(s: ChangeSubscriber, message: StreamMessage) {
    try {
      s.send(message);
    } catch (err) {
      this.onError(err);
    }
  }
}
