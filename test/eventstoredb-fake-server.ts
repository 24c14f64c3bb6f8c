import grpc from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import type { Position } from '../src/eventstore/position.js';

/**
 * A gRPC server on 127.0.0.1 that answers with EventStoreDB's own protocol (the client's
 * generated service definitions and messages), scripted by each spec. The adapter under test
 * talks to it through the real @eventstore/db-client and grpc-js, so what reaches the adapter
 * is exactly what the client makes of a server's answers (results, errors, dropped calls),
 * without a server. It models no store: each spec says what is answered.
 */

type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;

export type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** An event as the fake hands it out. `position` is its commit position (prepare defaults to it). */
export interface FakeEvent {
  streamId: string;
  revision: bigint;
  position: Position;
  id: string;
  type: string;
  data: unknown;
  metadata?: unknown;
}

export interface ReadRequest {
  /** `$all` for reads and subscriptions of the whole log. */
  streamId: string;
  subscription: boolean;
  backwards: boolean;
  /** `start`, `end`, a stream revision, or a position in `$all`. */
  from: 'start' | 'end' | bigint | Position;
  count: bigint;
}

/** One read or subscription call, answered by the spec in its own time. */
export interface ReadCall {
  readonly request: ReadRequest;
  confirm(): void;
  event(event: FakeEvent): void;
  caughtUp(): void;
  /** The answer to a read of a stream that does not exist (or was soft-deleted); ends the call. */
  notFound(): void;
  end(): void;
  /** Ends the call with an error status, as the server or the network does. */
  fail(status: FailStatus): void;
  /** Resolves when the client cancelled the call (unsubscribe, dispose). */
  readonly cancelled: Promise<void>;
}

export interface ProposedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

export interface AppendRequest {
  streamId: string;
  expected: Expected;
  events: ProposedEvent[];
}

/** What the fake answers an append with; `fail` ends the whole batch stream, as a dropped connection or a leader change does. */
export type AppendAnswer =
  | { success: { revision: bigint; position: Position } }
  | { wrongExpectedVersion: { current: bigint | 'no_stream'; expected: Expected } }
  | { streamDeleted: true }
  | { maxAppendSizeExceeded: number }
  | { accessDenied: true }
  | { fail: FailStatus };

export interface FailStatus {
  code: grpc.status;
  details: string;
  /** Trailers: EventStoreDB names the error in `exception` (and e.g. the leader's address). */
  metadata?: Record<string, string>;
}

export interface FakeScript {
  read?(call: ReadCall): void;
  append?(request: AppendRequest): AppendAnswer | Promise<AppendAnswer>;
}

export interface FakeServer {
  /** `esdb://127.0.0.1:<port>?tls=false` plus `query`. */
  url(query?: string): string;
  readonly port: number;
  /** Every append received, in order. */
  readonly appends: AppendRequest[];
  /** Every read or subscription received, in order. */
  readonly reads: ReadRequest[];
  script: FakeScript;
  close(): Promise<void>;
}

export const notLeader = (port: number): FailStatus => ({
  code: grpc.status.NOT_FOUND,
  details: 'Leader info available',
  metadata: { exception: 'not-leader', 'leader-endpoint-host': '127.0.0.1', 'leader-endpoint-port': String(port) },
});

export const unavailable: FailStatus = { code: grpc.status.UNAVAILABLE, details: 'Connection dropped' };

export const streamDeletedStatus = (streamId: string): FailStatus => ({
  code: grpc.status.FAILED_PRECONDITION,
  details: `Event stream '${streamId}' is deleted.`,
  metadata: { exception: 'stream-deleted', 'stream-name': streamId },
});

export const accessDeniedStatus: FailStatus = {
  code: grpc.status.PERMISSION_DENIED,
  details: 'Access denied',
  metadata: { exception: 'access-denied' },
};

const toMetadata = (entries: Record<string, string> = {}): grpc.Metadata => {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
};

const uuid = (id: string) => new sharedPb.UUID().setString(id);
const streamName = (name: string) => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name));
const json = (value: unknown): Uint8Array => (value === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(value)));
const parseJson = (bytes: Uint8Array): unknown => (bytes.length === 0 ? undefined : JSON.parse(Buffer.from(bytes).toString('utf8')));

const readEvent = (event: FakeEvent): ReadResp => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuid(event.id))
    .setStreamIdentifier(streamName(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.commit.toString())
    .setPreparePosition(event.position.prepare.toString())
    .setData(json(event.data))
    .setCustomMetadata(json(event.metadata));
  recorded.getMetadataMap().set('type', event.type).set('content-type', 'application/json').set('created', '638000000000000000');
  const read = new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.commit.toString());
  return new streamsPb.ReadResp().setEvent(read);
};

const toRequest = (req: InstanceType<typeof streamsPb.ReadReq>): ReadRequest => {
  const options = req.getOptions()!;
  const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
  const subscription = options.hasSubscription();
  const count = BigInt(options.hasCount() ? options.getCount() : '0');
  if (options.hasAll()) {
    const all = options.getAll()!;
    const position = all.getPosition();
    const from = all.hasStart() ? 'start' : all.hasEnd() ? 'end' : { commit: BigInt(position!.getCommitPosition()), prepare: BigInt(position!.getPreparePosition()) };
    return { streamId: '$all', subscription, backwards, from, count };
  }
  const stream = options.getStream()!;
  const name = Buffer.from(stream.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
  const from = stream.hasStart() ? 'start' : stream.hasEnd() ? 'end' : BigInt(stream.getRevision());
  return { streamId: name, subscription, backwards, from, count };
};

const expectedOf = (options: InstanceType<typeof streamsPb.BatchAppendReq.Options>): Expected =>
  options.hasAny() ? 'any' : options.hasNoStream() ? 'no_stream' : options.hasStreamExists() ? 'stream_exists' : BigInt(options.getStreamPosition());

/** google.rpc.Status with its details packed as EventStoreDB packs them. */
const rpcError = (code: number, message: string, details: { serializeBinary(): Uint8Array }, typeName: string) => {
  const any = new anyPb.Any();
  any.pack(details.serializeBinary(), typeName);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(any);
};

const answerOf = (correlation: InstanceType<typeof sharedPb.UUID>, request: AppendRequest, answer: AppendAnswer): BatchAppendResp => {
  const resp = new streamsPb.BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(streamName(request.streamId));
  if ('success' in answer) {
    const position = new sharedPb.AllStreamPosition()
      .setCommitPosition(answer.success.position.commit.toString())
      .setPreparePosition(answer.success.position.prepare.toString());
    return resp.setSuccess(new streamsPb.BatchAppendResp.Success().setCurrentRevision(answer.success.revision.toString()).setPosition(position));
  }
  if ('wrongExpectedVersion' in answer) {
    const { current, expected } = answer.wrongExpectedVersion;
    const details = new sharedPb.WrongExpectedVersion();
    if (current === 'no_stream') details.setCurrentNoStream(new sharedPb.Empty());
    else details.setCurrentStreamRevision(current.toString());
    if (expected === 'any') details.setExpectedAny(new sharedPb.Empty());
    else if (expected === 'no_stream') details.setExpectedNoStream(new sharedPb.Empty());
    else if (expected === 'stream_exists') details.setExpectedStreamExists(new sharedPb.Empty());
    else details.setExpectedStreamPosition(expected.toString());
    return resp.setError(rpcError(9, 'WrongExpectedVersion', details, 'event_store.client.WrongExpectedVersion'));
  }
  if ('streamDeleted' in answer)
    return resp.setError(rpcError(9, 'StreamDeleted', new sharedPb.StreamDeleted().setStreamIdentifier(streamName(request.streamId)), 'event_store.client.StreamDeleted'));
  if ('accessDenied' in answer) return resp.setError(rpcError(7, 'AccessDenied', new sharedPb.AccessDenied(), 'event_store.client.AccessDenied'));
  if ('maxAppendSizeExceeded' in answer)
    return resp.setError(
      rpcError(3, 'MaximumAppendSizeExceeded', new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(answer.maxAppendSizeExceeded), 'event_store.client.MaximumAppendSizeExceeded'),
    );
  throw new Error('a failed batch stream has no answer message');
};

/** Starts a fake on a free port; `script` can be replaced between calls. */
export const startFakeServer = async (script: FakeScript = {}): Promise<FakeServer> => {
  const server = new grpc.Server();
  const appends: AppendRequest[] = [];
  const reads: ReadRequest[] = [];
  // Assigned once bound; the handlers read its `script` when called, so a spec can replace it.
  let fake!: FakeServer;

  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      const batchAppend = new serverFeaturesPb.SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName('batchappend');
      const read = new serverFeaturesPb.SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName('read');
      callback(null, new serverFeaturesPb.SupportedMethods().setMethodsList([batchAppend, read]).setEventStoreServerVersion('24.10.0'));
    },
  });

  server.addService(streamsGrpc.StreamsService, {
    read: (call: grpc.ServerWritableStream<InstanceType<typeof streamsPb.ReadReq>, ReadResp>) => {
      const request = toRequest(call.request);
      reads.push(request);
      let ended = false;
      const send = (resp: ReadResp) => {
        if (!ended) call.write(resp);
      };
      const cancelled = new Promise<void>((resolve) => call.on('cancelled', () => resolve()));
      void cancelled.then(() => (ended = true));
      const readCall: ReadCall = {
        request,
        cancelled,
        confirm: () => send(new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId('fake'))),
        event: (event) => send(readEvent(event)),
        caughtUp: () => send(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp())),
        notFound: () => {
          send(new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamName(request.streamId))));
          readCall.end();
        },
        end: () => {
          if (ended) return;
          ended = true;
          call.end();
        },
        fail: (status) => {
          if (ended) return;
          ended = true;
          call.emit('error', { code: status.code, details: status.details, metadata: toMetadata(status.metadata) });
        },
      };
      if (fake.script.read) fake.script.read(readCall);
      else readCall.end();
    },
    batchAppend: (call: grpc.ServerDuplexStream<InstanceType<typeof streamsPb.BatchAppendReq>, BatchAppendResp>) => {
      // One request per append here: the client splits only appends above 3 MiB, which the adapter refuses.
      call.on('data', (req: InstanceType<typeof streamsPb.BatchAppendReq>) => {
        const options = req.getOptions()!;
        const request: AppendRequest = {
          streamId: Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8'),
          expected: expectedOf(options),
          events: req.getProposedMessagesList().map((m) => ({
            id: m.getId()!.getString(),
            type: m.getMetadataMap().get('type')!,
            data: parseJson(m.getData_asU8()),
            metadata: parseJson(m.getCustomMetadata_asU8()),
          })),
        };
        appends.push(request);
        void Promise.resolve(fake.script.append?.(request) ?? { success: { revision: 0n, position: { commit: 1n, prepare: 1n } } }).then((answer) => {
          if ('fail' in answer) {
            call.emit('error', { code: answer.fail.code, details: answer.fail.details, metadata: toMetadata(answer.fail.metadata) });
            return;
          }
          call.write(answerOf(req.getCorrelationId()!, request, answer));
        });
      });
      call.on('end', () => call.end());
    },
    // Append, Delete and Tombstone are left to grpc-js, which answers UNIMPLEMENTED: the client appends in batches here.
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  fake = { port, appends, reads, script, url: (query = '') => `esdb://127.0.0.1:${port}?tls=false${query}`, close: async () => server.forceShutdown() };
  return fake;
};
