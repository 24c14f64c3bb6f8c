/**
 * A scanner device: a door tablet an organizer registered for one event, which checks tickets
 * with a token of its own rather than a staff member's 15-minute log-in. Its own small stream,
 * so that verifying its token on every scan reads a handful of events. The token is never
 * stored: its hash is, as an invitation's is.
 */

export type ScannerDeviceEvent =
  | { type: 'ScannerDeviceRegistered'; data: { deviceId: string; eventId: string; name: string; tokenHash: string; registeredBy: string } }
  | { type: 'ScannerDeviceRevoked'; data: { deviceId: string; eventId: string; revokedBy: string } };

export type ScannerDeviceState =
  | { status: 'none' }
  | { status: 'active' | 'revoked'; deviceId: string; eventId: string; name: string; tokenHash: string };

export const initialState = (): ScannerDeviceState => ({ status: 'none' });

export const evolve = (state: ScannerDeviceState, event: ScannerDeviceEvent): ScannerDeviceState => {
  switch (event.type) {
    case 'ScannerDeviceRegistered': {
      const { deviceId, eventId, name, tokenHash } = event.data;
      return { status: 'active', deviceId, eventId, name, tokenHash };
    }
    case 'ScannerDeviceRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      // A type this code does not know (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return state;
    }
  }
};

/**
 * The account id a device acts under: the `staffId` of its scans and the `actorId` of their
 * events. It names no account, so the device holds no role and no right beyond its doors.
 */
export const scannerAccountId = (deviceId: string): string => `scanner-${deviceId}`;
