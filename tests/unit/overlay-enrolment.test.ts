import { describe, expect, it, vi } from 'vitest';
import type { HelpdeskIdentity } from '../../lib/contract';
import { enrolFromHelpdesk, suggestAfterEnrolment } from '../../lib/overlay/enrolment';

const SAM: HelpdeskIdentity = { found: true, platform: 'zendesk', email: 'sam.agent@acme.example' };

describe('the first ticket page hands the signed-in agent to the worker', () => {
  it('does not ask the helpdesk who is signed in when the worker wants no enrolment', async () => {
    const readIdentity = vi.fn(async () => SAM);
    const identify = vi.fn(async () => ({ ok: true as const, state: null, message: null }));
    await enrolFromHelpdesk({ enrolmentWanted: async () => ({ ok: true, wanted: false }), identify }, readIdentity);
    await enrolFromHelpdesk({ enrolmentWanted: async () => ({ ok: false, error: { code: 'unreachable', message: 'reload' } }), identify }, readIdentity);
    expect(readIdentity).not.toHaveBeenCalled();
    expect(identify).not.toHaveBeenCalled();
  });

  it('reads the identity and waits for the enrolment, so the first suggestion has a token', async () => {
    let enrolled = false;
    const identify = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 20));
      enrolled = true;
      return { ok: true as const, state: 'enrolled' as const, message: null };
    });
    await enrolFromHelpdesk({ enrolmentWanted: async () => ({ ok: true, wanted: true }), identify }, async () => SAM);
    expect(identify).toHaveBeenCalledWith(SAM);
    expect(enrolled).toBe(true);
  });

  it('does not hold the panel back for a slow backend', async () => {
    vi.useFakeTimers();
    try {
      const identify = vi.fn(() => new Promise<never>(() => {}));
      let done = false;
      const enrolling = enrolFromHelpdesk({ enrolmentWanted: async () => ({ ok: true, wanted: true }), identify }, async () => SAM, 4_000).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(3_999);
      expect(identify).toHaveBeenCalledOnce();
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await enrolling;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failing identity reader does not stop the panel', async () => {
    await expect(enrolFromHelpdesk({ enrolmentWanted: async () => ({ ok: true, wanted: true }), identify: vi.fn() }, async () => Promise.reject(new Error('boom')), 50)).resolves.toBeUndefined();
  });
});

describe('the session while an enrolment is under way', () => {
  it('holds only the suggestion until the enrolment settles; clicks go straight through', async () => {
    let settle!: () => void;
    const enrolling = new Promise<void>((resolve) => (settle = resolve));
    const calls: string[] = [];
    const transport = suggestAfterEnrolment(
      {
        suggest: async () => (calls.push('suggest'), { ok: false as const, error: { code: 'x', message: 'x' } }),
        capture: async () => (calls.push('capture'), { ok: true as const }),
        amend: async () => (calls.push('amend'), { ok: true as const }),
      },
      enrolling,
    );
    const suggested = transport.suggest({ platform: 'zendesk', ticketId: '1', messages: [] } as never);
    await transport.capture({} as never);
    await transport.amend('id', []);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(['capture', 'amend']);
    settle();
    await suggested;
    expect(calls).toEqual(['capture', 'amend', 'suggest']);
  });
});
