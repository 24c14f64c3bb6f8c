import { FAILED_JOBS_PAGE, failedJobs, jobQueues, retryJob } from '../../jobs/job-admin.js';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireAdmin } from '../read-models.js';

const typeDefs = /* GraphQL */ `
  type JobQueue {
    name: String!
    "Waiting to run: new, or failed and waiting for a retry."
    queued: Int!
    active: Int!
    "Failed for good, retries spent; a copy waits in the dead letter queue."
    failed: Int!
    "Where jobs of this queue go once their retries are spent."
    deadLetter: String
  }

  type FailedJob {
    id: ID!
    queue: String!
    "failed, or retry once an admin has asked for one more attempt"
    state: String!
    "The job's input; one-time tokens and mail bodies redacted."
    data: JSON
    "What the last attempt threw."
    error: JSON
    failedAt: String
    retryCount: Int!
  }

  extend type Query {
    "Admins only: every background job queue (pg-boss) and its counts."
    jobQueues: [JobQueue!]!
    "Admins only: a queue's jobs that failed for good, most recent first; for a dead letter queue (<queue>-dead), the copies it keeps of them."
    failedJobs(queue: String!, first: Int = ${FAILED_JOBS_PAGE}): [FailedJob!]!
  }

  extend type Mutation {
    "Admins only: puts a failed job back in its queue for one more attempt (and clears its dead letter copy); given a dead letter, queues its data again in the queue it came from and returns that new job."
    retryJob(queue: String!, id: ID!): FailedJob!
  }
`;

const Query: QueryResolvers = {
  jobQueues: async (_root, _args, ctx) => {
    requireAdmin(ctx.actor);
    return jobQueues(await ctx.app.jobs.boss());
  },
  failedJobs: async (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return failedJobs(await ctx.app.jobs.boss(), args.queue, args.first ?? FAILED_JOBS_PAGE);
  },
};

const Mutation: MutationResolvers = {
  retryJob: async (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return retryJob(await ctx.app.jobs.boss(), args.queue, args.id);
  },
};

/** The background job queues (pg-boss): their counts, their failed jobs, and retrying one. */
export const jobs: GraphqlModule = { typeDefs, resolvers: { Query, Mutation } };
