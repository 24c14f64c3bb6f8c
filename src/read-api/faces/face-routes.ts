import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { commandRequest } from '../../commands/request.js';
import { DomainError } from '../../domain/domain-error.js';
import { PhotoRefused } from '../../domain/face/face.js';
import { MAX_PHOTO_BYTES, readPhoto } from '../photo-uploads.js';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

const unsupported = () => new PhotoRefused('UNSUPPORTED_IMAGE', `Send the photo as the request body, as ${PHOTO_TYPES.join(', ')}`);

/**
 * POST /me/face: enrollFace for clients without multipart, one photo a request, as the body
 * (image/jpeg, image/png or image/webp, at most MAX_PHOTO_BYTES), replacing any enrollment
 * before it; an `Idempotency-Key` header makes a resend harmless, as a mutation's commandId
 * does. Answers 201 with the enrollment, or the error body with the photo's refusal code.
 * Its own scope, so that only photo bodies are parsed here, and only here.
 */
export const faceRoutes = async (app: FastifyInstance): Promise<void> => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(PHOTO_TYPES, async (request: FastifyRequest, payload: IncomingMessage) => {
    if (Number(request.headers['content-length'] ?? 0) > MAX_PHOTO_BYTES) throw new PhotoRefused('IMAGE_TOO_LARGE', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
    return readPhoto(payload);
  });
  app.addContentTypeParser('*', async () => {
    throw unsupported();
  });

  app.post('/me/face', async (request, reply) => {
    if (!request.actor) throw new DomainError('UNAUTHENTICATED', 'Log in to enroll your face');
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw unsupported();
    const photo = request.body;
    const key = request.headers['idempotency-key'];
    const sent = { operation: 'enrollFacePhoto', args: { bytes: photo.length } };
    const enrollment = commandRequest(request.actor, typeof key === 'string' ? key : undefined, sent, { correlationId: request.id });
    await app.throttle.attempt({ faceEnrollmentsPerAccount: request.actor.accountId });
    return reply.code(201).send(await app.attendance.faces.enroll(enrollment, [photo]));
  });
};
