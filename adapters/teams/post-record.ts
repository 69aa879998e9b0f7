/**
 * Recording what the Teams deliverer posts, so a retried notification never posts twice.
 *
 * The Bot Connector offers no way to search a conversation for a message the bot sent, so a
 * copy that was posted but not recorded cannot be found again later. The activity id is
 * therefore written the moment the connector answers, in one small insert of its own, before
 * anything else of the delivery runs. If even that write fails (the database dropped the
 * connection), the copy is kept in this process and the notification's next attempt here
 * writes it instead of posting again.
 *
 * What remains: the process ending (crash, deploy, kill) between the connector's answer and a
 * successful write of the id. Another process that then takes the notification over posts it
 * again, and that first copy is never updated. docs/teams.md says so.
 */
import type { FlowDeps, MessageCopy, OutboxRow } from '../../flows';
import { recordMessage } from '../../flows';

/** Copies posted but not yet written, at most this many (oldest dropped first). */
const MAX_UNWRITTEN = 1000;

/** The recorder of one deliverer. */
export interface PostRecorder {
  /**
   * Posts one message of `row` with `post` (which returns the copy to record) and records it.
   * `part` names the message among the row's messages (`parent`, `outcome`, …). When an
   * earlier attempt of this row in this process posted that part and could not record it, the
   * kept copy is recorded and nothing is posted.
   */
  once(row: OutboxRow, part: string, post: () => Promise<MessageCopy>): Promise<MessageCopy>;
}

/** Creates the recorder; one per deliverer, shared by all its kinds. */
export function createPostRecorder(deps: Pick<FlowDeps, 'db' | 'clock'>): PostRecorder {
  const unwritten = new Map<string, MessageCopy>();
  return {
    async once(row, part, post) {
      const key = `${row.id}:${part}`;
      let copy = unwritten.get(key);
      if (!copy) {
        copy = await post();
        unwritten.set(key, copy);
        if (unwritten.size > MAX_UNWRITTEN) unwritten.delete(unwritten.keys().next().value!);
      }
      await recordMessage(deps.db, copy, deps.clock.now());
      unwritten.delete(key);
      return copy;
    },
  };
}
