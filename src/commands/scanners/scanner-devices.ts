import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DoorDevice } from '../../domain/check-in/business-logic.js';
import { scannerDeviceDecider } from '../../domain/check-in/scanner-device/business-logic.js';
import { scannerAccountId } from '../../domain/check-in/scanner-device/scanner-device.js';
import type { Actor } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { scannerDeviceStream } from '../../domain/streams.js';
import { formatPosition } from '../../eventstore/position.js';
import type { CommandHandler } from '../command-handler.js';
import { deterministicId } from '../deterministic-id.js';
import type { EventCommands } from '../event-commands.js';
import { type CommandRequest, contextOf, uuid } from '../request.js';

/**
 * Scanner device tokens: `rcsd_<device id>.<secret>`, the secret 32 random bytes in base64url.
 * The id finds the device's stream; the secret proves the bearer holds the token, and only its
 * SHA-256 is stored. A fast hash is enough (unlike a password's): 256 random bits cannot be
 * guessed from their hash, and every scan checks the token, so it must cost microseconds.
 */
const TOKEN_PREFIX = 'rcsd_';
const TOKEN = /^rcsd_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** Whether a bearer token is a scanner device's rather than an access token (a JWT never starts so). */
export const isScannerToken = (token: string): boolean => token.startsWith(TOKEN_PREFIX);

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A device a token proved, acting under an account id of its own (see scannerAccountId). */
export interface ScannerSession extends DoorDevice {
  actor: Actor;
}

export interface RegisteredDevice {
  deviceId: string;
  eventId: string;
  name: string;
  /** Shown once, now: only its hash is kept. */
  token: string;
  position: string | null;
}

const refused = () => new DomainError('UNAUTHENTICATED', 'The scanner token is not valid, or its scanner was revoked');

/** Door tablets an organizer registers for an event, their tokens, and their revocation. */
export class ScannerDevices {
  constructor(
    private readonly handler: CommandHandler,
    private readonly events: EventCommands,
  ) {}

  async register(request: CommandRequest, eventId: string, name: string): Promise<RegisteredDevice> {
    const event = await this.events.currentEvent(eventId);
    // Named by the command, so a resent registration finds the device it made rather than another.
    const deviceId = deterministicId(request.commandId, 'scanner-device');
    const secret = randomBytes(32).toString('base64url');
    const result = await this.handler.handle(
      scannerDeviceDecider,
      scannerDeviceStream(deviceId),
      { type: 'RegisterScannerDevice', data: { actor: request.actor, event, deviceId, name, tokenHash: hashOf(secret) } },
      contextOf(request),
    );
    // The first answer's token was shown once and is gone: a resend cannot show it again.
    if (result.replayed)
      throw new DomainError('CONFLICT', 'This scanner was registered by this command already and its token shown then: revoke it and register again');
    if (result.state.status === 'none') throw new Error('A registered scanner folded to nothing');
    return { deviceId, eventId: event.eventId, name: result.state.name, token: `${TOKEN_PREFIX}${deviceId}.${secret}`, position: result.position ? formatPosition(result.position) : null };
  }

  async revoke(request: CommandRequest, eventId: string, deviceId: string): Promise<{ deviceId: string; position: string | null }> {
    const event = await this.events.currentEvent(eventId);
    const result = await this.handler.handle(
      scannerDeviceDecider,
      scannerDeviceStream(uuid(deviceId, 'deviceId')),
      { type: 'RevokeScannerDevice', data: { actor: request.actor, event } },
      contextOf(request),
    );
    return { deviceId, position: result.position ? formatPosition(result.position) : null };
  }

  /** The active device a token names, or UNAUTHENTICATED: malformed, unknown, a wrong secret or a revoked device alike. */
  async verify(token: string): Promise<ScannerSession> {
    const match = TOKEN.exec(token);
    if (!match) throw refused();
    const [, deviceId, secret] = match as unknown as [string, string, string];
    const device = await this.handler.load(scannerDeviceDecider, scannerDeviceStream(deviceId));
    if (device.status !== 'active') throw refused();
    const expected = Buffer.from(device.tokenHash, 'hex');
    const presented = Buffer.from(hashOf(secret), 'hex');
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw refused();
    return { deviceId, eventId: device.eventId, actor: { accountId: scannerAccountId(deviceId), roles: [] } };
  }

  /**
   * A device registered for `eventId`, revoked or not, for a member of the event's team who
   * uploads its offline scans: scans made before a revocation still happened.
   */
  async registeredAt(eventId: string, deviceId: string): Promise<DoorDevice> {
    const device = await this.handler.load(scannerDeviceDecider, scannerDeviceStream(uuid(deviceId, 'deviceId')));
    if (device.status === 'none' || device.eventId !== eventId) throw new DomainError('NOT_FOUND', 'No such scanner at this event');
    return { deviceId, eventId: device.eventId };
  }
}
