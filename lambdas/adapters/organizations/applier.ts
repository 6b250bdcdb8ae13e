/**
 * Carries out a plan against Organizations, in the order docs/cli.md states (enable type, create/adopt/update,
 * attach, detach, delete), so new protection is in place before old protection is removed.
 *
 * Every step is idempotent and the next run finishes what an interrupted run left: a created policy is
 * tagged in the same call that creates it (so the next plan sees it as managed and only attaches it);
 * "already attached" and "not attached" count as done; an adopted policy is tagged before its content
 * changes. ConcurrentModificationException and PolicyChangesInProgressException, which the SDK does not
 * retry [ORG-WRITE-CONFLICTS], get a bounded jittered backoff. Throttling is the SDK's (adaptive retry).
 */

import {
  AttachPolicyCommand,
  ConcurrentModificationException,
  ConstraintViolationException,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DetachPolicyCommand,
  DuplicatePolicyAttachmentException,
  DuplicatePolicyException,
  EnablePolicyTypeCommand,
  type OrganizationsClient,
  PolicyChangesInProgressException,
  PolicyInUseException,
  PolicyNotAttachedException,
  PolicyNotFoundException,
  PolicyTypeAlreadyEnabledException,
  PolicyTypeNotEnabledException,
  TagResourceCommand,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { ConfigurationError, ServiceUnavailableError } from '../../domain/errors.ts';
import { MANAGED_TAG_KEY, MANAGED_TAG_VALUE } from '../../domain/model.ts';
import type { Change, ChangeAction } from '../../domain/planner.ts';
import type { PolicyTypeFacts } from '../../domain/policy-types/policy-type.ts';
import { errorName } from '../aws/errors.ts';
import { OrganizationsReader } from './reader.ts';
import { Throttle } from './throttle.ts';

type StepOutcome = 'done' | 'already-done' | 'skipped';

export interface AppliedStep {
  action: ChangeAction;
  policy?: string | undefined;
  policyId?: string | undefined;
  targetId?: string | undefined;
  targetPath?: string | undefined;
  outcome: StepOutcome;
  detail: string;
  /** The policy's Organizations type, when it is not AI services opt-out (as on the change). */
  policyType?: string | undefined;
}

interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface ApplyOptions {
  throttle?: Throttle;
  /** The policy type the plan's changes are of (default: the reader's). */
  policyType?: PolicyTypeFacts;
  /** Called after each step, for logs and progress lines. */
  onStep?: (step: AppliedStep) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  retry?: RetryPolicy;
  /** How long to wait for the policy type to leave PENDING_ENABLE. */
  enableTimeoutMs?: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 8_000 };
const MANAGED_TAGS = [{ Key: MANAGED_TAG_KEY, Value: MANAGED_TAG_VALUE }];

/** The conflicts the SDK does not retry (they are not throttling), retried here with backoff. */
function isConflict(error: unknown): boolean {
  return (
    error instanceof ConcurrentModificationException || error instanceof PolicyChangesInProgressException
  );
}

export class PlanApplier {
  private readonly reader: OrganizationsReader;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly createdIds = new Map<string, string>();
  private readonly steps: AppliedStep[] = [];
  private readonly finished = new Set<Change>();
  /** The policy type's name in the Organizations API. */
  private readonly type: OrganizationsReader['organizationsType'];

  constructor(
    client: OrganizationsClient,
    private readonly options: ApplyOptions = {},
  ) {
    this.reader = new OrganizationsReader(client, {
      ...(options.policyType ? { policyType: options.policyType } : {}),
      throttle: options.throttle ?? new Throttle({ rates: 'published' }),
    });
    this.type = this.reader.organizationsType;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** Sends a write, retrying the conflicts the SDK does not retry, with full-jitter backoff. */
  private async write<T>(operation: string, send: (client: OrganizationsClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.reader.call(operation, send);
      } catch (error) {
        if (!isConflict(error)) throw error;
        if (attempt >= this.retry.attempts) {
          throw new ServiceUnavailableError(
            `${operation} kept failing with ${errorName(error)} after ${attempt} attempts; another change to the organization is in progress, run apply again later`,
            { cause: error },
          );
        }
        const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
        await this.sleep(Math.round(this.random() * ceiling));
      }
    }
  }

  private record(change: Change, outcome: StepOutcome, detail: string, policyId?: string): void {
    const step: AppliedStep = {
      action: change.action,
      policy: change.policy,
      policyId: policyId ?? change.policyId,
      targetId: change.target?.id,
      targetPath: change.target?.path,
      outcome,
      detail,
      ...(change.policyType ? { policyType: change.policyType } : {}),
    };
    this.steps.push(step);
    this.finished.add(change);
    this.options.onStep?.(step);
  }

  private policyIdOf(change: Change): string {
    const id = change.policyId ?? (change.policy ? this.createdIds.get(change.policy) : undefined);
    if (!id)
      throw new Error(
        `no policy id for ${change.action} ${change.policy ?? ''}: its create step did not run`,
      );
    return id;
  }

  /** Applies `changes` (a plan's, in its order) and returns what each step did. */
  async apply(changes: readonly Change[]): Promise<AppliedStep[]> {
    for (const change of changes) {
      if (this.finished.has(change)) continue;
      await this.applyOne(change, changes);
    }
    return this.steps;
  }

  private async applyOne(change: Change, all: readonly Change[]): Promise<void> {
    switch (change.action) {
      case 'enable-policy-type':
        return this.enablePolicyType(change);
      case 'create-policy':
        return this.createPolicy(change);
      case 'adopt-policy':
        return this.adoptPolicy(change);
      case 'update-policy':
        return this.updatePolicy(change);
      case 'attach-policy':
        return this.attachPolicy(change, all);
      case 'detach-policy':
        return this.detachPolicy(change);
      case 'delete-policy':
        return this.deletePolicy(change);
      case 'unmanaged-policy':
        this.record(change, 'skipped', 'unmanaged policies are only reported (unmanaged: report)');
        return;
    }
  }

  private async enablePolicyType(change: Change): Promise<void> {
    const rootId = change.target?.id ?? (await this.reader.readRoot()).id;
    let outcome: StepOutcome = 'done';
    try {
      await this.write('EnablePolicyType', (c) =>
        c.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: this.type })),
      );
    } catch (error) {
      if (!(error instanceof PolicyTypeAlreadyEnabledException)) throw error;
      outcome = 'already-done';
    }
    await this.waitForPolicyType();
    this.record(change, outcome, `${this.type} enabled on ${rootId}`);
  }

  /** Polls ListRoots until the policy type is ENABLED (it is PENDING_ENABLE for a while, [ORG-POLICY-TYPE-STATUS]). */
  private async waitForPolicyType(): Promise<void> {
    const deadline = Date.now() + (this.options.enableTimeoutMs ?? 120_000);
    for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
      const root = await this.reader.fetchRoot();
      const status = root.policyTypes.find((t) => t.type === this.type)?.status;
      if (status === 'ENABLED') return;
      if (Date.now() + delay > deadline) {
        throw new ServiceUnavailableError(
          `${this.type} is still ${status ?? 'not enabled'} on ${root.id}; run apply again in a few minutes`,
        );
      }
      await this.sleep(delay);
    }
  }

  private async createPolicy(change: Change): Promise<void> {
    const name = change.policy as string;
    try {
      const response = await this.write('CreatePolicy', (c) =>
        c.send(
          new CreatePolicyCommand({
            Name: name,
            Description: change.description ?? '',
            Content: change.content ?? '',
            Type: this.type,
            Tags: MANAGED_TAGS,
          }),
        ),
      );
      const id = response.Policy?.PolicySummary?.Id;
      if (!id) throw new Error(`CreatePolicy for ${name} returned no policy id`);
      this.createdIds.set(name, id);
      this.record(change, 'done', `created ${name}`, id);
    } catch (error) {
      if (!(error instanceof DuplicatePolicyException)) throw error;
      // A retried create whose first attempt reached AWS: use that policy if it is ours.
      const existing = (await this.reader.readPolicies()).find((p) => p.name === name);
      if (!existing || existing.tags[MANAGED_TAG_KEY] !== MANAGED_TAG_VALUE) {
        throw new ConfigurationError(
          `CreatePolicy ${name}: a policy with that name appeared that is not tagged ${MANAGED_TAG_KEY}=${MANAGED_TAG_VALUE}; plan again`,
          [],
          { cause: error },
        );
      }
      this.createdIds.set(name, existing.id);
      if (existing.content !== change.content || existing.description !== change.description) {
        await this.write('UpdatePolicy', (c) =>
          c.send(
            new UpdatePolicyCommand({
              PolicyId: existing.id,
              Content: change.content,
              Description: change.description,
            }),
          ),
        );
      }
      this.record(change, 'already-done', `${name} already exists (${existing.id})`, existing.id);
    }
  }

  private async adoptPolicy(change: Change): Promise<void> {
    const id = this.policyIdOf(change);
    await this.write('TagResource', (c) =>
      c.send(new TagResourceCommand({ ResourceId: id, Tags: MANAGED_TAGS })),
    );
    await this.write('UpdatePolicy', (c) =>
      c.send(
        new UpdatePolicyCommand({ PolicyId: id, Content: change.content, Description: change.description }),
      ),
    );
    this.record(change, 'done', `tagged ${change.policy} as managed and set its content`);
  }

  private async updatePolicy(change: Change): Promise<void> {
    const id = this.policyIdOf(change);
    await this.write('UpdatePolicy', (c) =>
      c.send(
        new UpdatePolicyCommand({ PolicyId: id, Content: change.content, Description: change.description }),
      ),
    );
    this.record(change, 'done', `updated ${change.policy}`);
  }

  private async attachPolicy(change: Change, all: readonly Change[]): Promise<void> {
    const id = this.policyIdOf(change);
    const targetId = change.target?.id as string;
    const attach = () =>
      this.write('AttachPolicy', (c) =>
        c.send(new AttachPolicyCommand({ PolicyId: id, TargetId: targetId })),
      );
    try {
      await attach();
    } catch (error) {
      if (error instanceof DuplicatePolicyAttachmentException) {
        this.record(
          change,
          'already-done',
          `${change.policy} was already attached to ${change.target?.path}`,
          id,
        );
        return;
      }
      if (error instanceof PolicyTypeNotEnabledException) {
        await this.waitForPolicyType();
        await attach();
      } else if (
        error instanceof ConstraintViolationException &&
        error.Reason === 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'
      ) {
        // The target is full until the plan's detaches for it run: run those first, then attach.
        const detaches = all.filter(
          (c) => c.action === 'detach-policy' && c.target?.id === targetId && !this.finished.has(c),
        );
        if (detaches.length === 0) throw error;
        for (const detach of detaches) await this.detachPolicy(detach);
        await attach();
      } else throw error;
    }
    this.record(change, 'done', `attached ${change.policy} to ${change.target?.path}`, id);
  }

  /** Detaches; false when the policy was not attached (or no longer exists). */
  private async detach(policyId: string, targetId: string): Promise<boolean> {
    try {
      await this.write('DetachPolicy', (c) =>
        c.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: targetId })),
      );
      return true;
    } catch (error) {
      if (error instanceof PolicyNotAttachedException || error instanceof PolicyNotFoundException)
        return false;
      throw error;
    }
  }

  private async detachPolicy(change: Change): Promise<void> {
    const detached = await this.detach(this.policyIdOf(change), change.target?.id as string);
    if (detached) this.record(change, 'done', `detached ${change.policy} from ${change.target?.path}`);
    else this.record(change, 'already-done', `${change.policy} was not attached to ${change.target?.path}`);
  }

  private async deletePolicy(change: Change): Promise<void> {
    const id = this.policyIdOf(change);
    const remove = () => this.write('DeletePolicy', (c) => c.send(new DeletePolicyCommand({ PolicyId: id })));
    try {
      await remove();
    } catch (error) {
      if (error instanceof PolicyNotFoundException) {
        this.record(change, 'already-done', `${change.policy} was already deleted`);
        return;
      }
      if (!(error instanceof PolicyInUseException)) throw error;
      // Attached somewhere since the plan was made; it is ours and no longer declared: detach, delete.
      const current = await this.reader.readPolicy({ Id: id });
      for (const targetId of current.targets) await this.detach(id, targetId);
      await remove();
      this.record(
        change,
        'done',
        `deleted ${change.policy} after detaching it from ${current.targets.join(', ')}, where it had been attached since the plan`,
      );
      return;
    }
    this.record(change, 'done', `deleted ${change.policy}`);
  }
}
