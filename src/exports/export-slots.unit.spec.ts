import { describe, expect, it } from 'vitest';
import { ExportSlots } from './export-slots.js';

describe('export slots', () => {
  it('refuses the export past the limit as RATE_LIMITED, and admits one again once a slot is given back', () => {
    const slots = new ExportSlots(2);
    const first = slots.take();
    slots.take();
    expect(() => slots.take()).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 5 } }));
    first();
    expect(() => slots.take()).not.toThrow();
  });

  it('counts a slot given back twice (a stream that ends, then closes) once', () => {
    const slots = new ExportSlots(1);
    const release = slots.take();
    release();
    release();
    slots.take();
    expect(() => slots.take()).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
  });
});
