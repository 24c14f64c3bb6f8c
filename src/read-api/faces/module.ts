import type { MutationResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { mutationRequest } from '../mutation-request.js';
import { uploadedPhoto } from '../photo-uploads.js';

const typeDefs = /* GraphQL */ `
  type FaceSample {
    "How big and sharp the face was, 0-1."
    quality: Float!
    "The liveness model's probability that the face is live, 0-1."
    liveness: Float!
  }

  type FaceEnrollment {
    enrolledAt: String!
    "One per photo, in the order sent."
    samples: [FaceSample!]!
    position: String
  }

  type FaceErasure {
    "False when nothing was enrolled."
    erased: Boolean!
    position: String
  }

  extend type Mutation {
    """
    Enroll 1-3 photos of your own face, sent as a GraphQL multipart request (at most 10 MB
    each), for the face check at the door of events that require one; a new enrollment
    replaces the one before. Each photo needs exactly one face, big and sharp enough, that
    looks live. Refusals, with that extensions.code: NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL,
    LIVENESS_FAILED, UNSUPPORTED_IMAGE, IMAGE_TOO_LARGE. Photos are never stored; the face's
    embedding is, sealed under your personal-data key, until eraseFaceData or account erasure.
    Clients without multipart: POST /me/face with one photo as the body. Limited per account
    (RATE_LIMITED).
    """
    enrollFace(photos: [Upload!]!, commandId: ID): FaceEnrollment!
    "Destroy your enrolled face: face checks at the door answer face_not_enrolled from then on."
    eraseFaceData(commandId: ID): FaceErasure!
  }
`;

const Mutation: MutationResolvers = {
  enrollFace: async (_root, args, ctx, info) => {
    const request = mutationRequest(ctx, args, info);
    await ctx.app.throttle.attempt({ faceEnrollmentsPerAccount: request.actor.accountId });
    // One after another: the files arrive in that order on the one request stream.
    const photos: Buffer[] = [];
    for (const upload of args.photos) photos.push(await uploadedPhoto(upload));
    return ctx.app.attendance.faces.enroll(request, photos);
  },
  eraseFaceData: (_root, args, ctx, info) => ctx.app.attendance.faces.erase(mutationRequest(ctx, args, info)),
};

/** An attendee's own face, for the check at the door: enrolling it and erasing it. */
export const faces: GraphqlModule = { typeDefs, resolvers: { Mutation } };
