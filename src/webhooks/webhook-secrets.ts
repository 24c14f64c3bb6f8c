import type { MasterKey } from '../security/master-key.js';
import { openWith, sealWith } from '../security/master-key.js';

/**
 * Webhook secrets at rest: sealed under a key derived from the master key (AES-256-GCM), bound
 * to their webhook, so a database reader (a backup, a replica, a leaked dump) cannot sign a
 * message a receiver would believe, nor move one webhook's secret to another. A hash would not
 * do: signing needs the secret itself.
 */
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(masterKey: MasterKey) {
    this.key = masterKey.derive('seal:webhook-secret');
  }

  seal(webhookId: string, secret: string): Buffer {
    return sealWith(this.key, Buffer.from(secret, 'utf8'), `webhook-secret:${webhookId}`);
  }

  open(webhookId: string, sealed: Buffer): string {
    return openWith(this.key, sealed, `webhook-secret:${webhookId}`).toString('utf8');
  }
}
