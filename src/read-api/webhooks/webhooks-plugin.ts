import fp from 'fastify-plugin';
import type { MasterKey } from '../../security/master-key.js';
import { WebhookSecrets } from '../../webhooks/webhook-secrets.js';
import { Webhooks } from '../../webhooks/webhooks.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: Webhooks;
  }
}

export interface WebhooksPluginOptions {
  masterKey: MasterKey;
  /** WEBHOOK_ALLOW_HOSTS. */
  allowHosts: readonly string[];
}

/** The webhooks the API manages, on the app's database and job queues, organizers judged on their events' streams. */
export const webhooksPlugin = fp<WebhooksPluginOptions>(
  async (app, { masterKey, allowHosts }) => {
    app.decorate(
      'webhooks',
      new Webhooks({
        pool: app.pool,
        jobs: app.jobs,
        secrets: new WebhookSecrets(masterKey),
        allowHosts,
        // The stream rather than the read model, as importAttendees judges: a new event may not be projected yet.
        organizerOf: async (eventId) => (await app.attendance.events.currentEvent(eventId)).organizerId,
      }),
    );
  },
  { name: 'rollcall-webhooks', dependencies: ['rollcall-infrastructure', 'rollcall-attendance'] },
);
