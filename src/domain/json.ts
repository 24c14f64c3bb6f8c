/**
 * What an event's data can hold: plain JSON, which every event store keeps as it was given.
 * The domain's own type, so that deciders and the event store port share it without the
 * domain importing from infrastructure.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
