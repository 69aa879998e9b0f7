/**
 * What the rest of the management system does when a system's life changes: each area (risks,
 * tasks, impact assessments, controls) adds its reaction here, inside the transaction of the
 * change, so the follow-up work is created with the approval, re-triage or retirement or not at
 * all. Each reaction is idempotent (dedupe keys), since a replayed decision may reach it twice.
 */
import type { Db } from '../db/client';
import type { FlowContext } from './ports';
import { markImpactDue } from './impact/due';
import { obligationTasksAfterRetriage, syncObligationTasks, tasksAfterRetired } from './tasks/obligations';
import { promptRiskAssessment } from './risks/prompt';

/** The change being reacted to. */
export interface LifecycleChange {
  tx: Db;
  ctx: FlowContext;
  systemId: number;
  now: Date;
}

type Reaction = (change: LifecycleChange) => Promise<void>;

/** Reactions to a system's approval (its request closed as approved). */
const onApproved: Reaction[] = [];
onApproved.push(promptRiskAssessment('approved'));
/** Reactions to a re-triage (a new assessment of an approved system, approval or not). */
const onRetriaged: Reaction[] = [];
onRetriaged.push(markImpactDue);
onRetriaged.push(promptRiskAssessment('retriaged'));
/** Reactions to a retirement. */
const onRetired: Reaction[] = [];

// Obligations become tasks (flows/tasks/obligations.ts).
onApproved.push(syncObligationTasks);
onRetriaged.push(obligationTasksAfterRetriage);
onRetired.push(tasksAfterRetired);

/** Runs every reaction to an approval, in order. */
export async function afterApproved(change: LifecycleChange): Promise<void> {
  for (const react of onApproved) await react(change);
}

/** Runs every reaction to a re-triage, in order. */
export async function afterRetriaged(change: LifecycleChange): Promise<void> {
  for (const react of onRetriaged) await react(change);
}

/** Runs every reaction to a retirement, in order. */
export async function afterRetired(change: LifecycleChange): Promise<void> {
  for (const react of onRetired) await react(change);
}
