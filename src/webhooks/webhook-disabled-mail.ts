import type pg from 'pg';
import { deterministicId } from '../commands/deterministic-id.js';
import type { MailJobs } from '../jobs/mailer.js';
import { accountView } from '../projections/accounts/queries.js';
import type { DisableReason } from './retry-policy.js';

const WHY: Record<DisableReason, string> = {
  gone: 'its receiver answered 410 Gone, which says it is gone for good',
  failing: 'every delivery to it has failed for 3 days',
};

/** Mail to the owner of a webhook the worker disabled, through the `mail` queue; once per webhook, reason and day, however often this runs. */
export const tellOwner = async (
  pool: pg.Pool,
  mail: MailJobs,
  webhook: { webhook_id: string; owner_id: string; url: string },
  reason: DisableReason,
  at: Date,
): Promise<void> => {
  const owner = await accountView(pool, webhook.owner_id);
  if (!owner?.email) return;
  await mail.enqueueNotice(
    webhook.owner_id,
    {
      kind: 'webhook-disabled',
      to: owner.email,
      subject: 'Your Rollcall webhook was disabled',
      text: `Hello ${owner.name ?? ''},\n\nyour webhook to ${webhook.url} (id ${webhook.webhook_id}) was disabled: ${WHY[reason]}. The deliveries it had not made are cancelled.\nOnce its receiver works again, enable it with updateWebhook(enabled: true).\n`,
      token: '',
    },
    deterministicId('webhook-disabled', webhook.webhook_id, reason, at.toISOString().slice(0, 10)),
  );
};
