/**
 * Messages the bot posted about a subject (an approval request, a review), so that every copy
 * can be updated in place when anything changes.
 */
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { platformMessages } from '../db/schema';

/** A stored message copy. */
export type StoredMessage = typeof platformMessages.$inferSelect;

/** What an adapter records after posting. */
export interface MessageCopy {
  workspaceId: number;
  subjectType: 'approval_request' | 'review' | (string & {});
  subjectId: number;
  platform: string;
  /** `parent`, `step`, `dm`, `reminder`, … */
  role: string;
  conversationId: string;
  messageId: string;
  threadId?: string | null;
  stepId?: number | null;
}

/** Records a posted message. */
export async function recordMessage(db: Db, copy: MessageCopy, now: Date): Promise<void> {
  await db.insert(platformMessages).values({ ...copy, threadId: copy.threadId ?? null, stepId: copy.stepId ?? null, createdAt: now });
}

/** Records several posted messages with one INSERT (all or none). */
export async function recordMessages(db: Db, copies: readonly MessageCopy[], now: Date): Promise<void> {
  if (copies.length === 0) return;
  await db.insert(platformMessages).values(copies.map((copy) => ({ ...copy, threadId: copy.threadId ?? null, stepId: copy.stepId ?? null, createdAt: now })));
}

/** Which copies to return: of one platform, with one role, recorded at or after a time. */
export interface MessageFilter {
  platform?: string;
  role?: string;
  since?: Date;
}

/** Every stored copy of a subject's messages, oldest first. */
export async function messagesOf(
  db: Db,
  workspaceId: number,
  subjectType: string,
  subjectId: number,
  filter: MessageFilter = {},
): Promise<StoredMessage[]> {
  return db
    .select()
    .from(platformMessages)
    .where(
      and(
        eq(platformMessages.workspaceId, workspaceId),
        eq(platformMessages.subjectType, subjectType),
        eq(platformMessages.subjectId, subjectId),
        filter.platform !== undefined ? eq(platformMessages.platform, filter.platform) : undefined,
        filter.role !== undefined ? eq(platformMessages.role, filter.role) : undefined,
        filter.since !== undefined ? gte(platformMessages.createdAt, filter.since) : undefined,
      ),
    )
    .orderBy(asc(platformMessages.id));
}
