import { describe, expect, it } from 'vitest';
import { RowRedactor } from '../../src/redaction/pii';

const redact = (text: string) => new RowRedactor({}).redact(text);

describe('PII given away by the words around it', () => {
  it('takes a bare digit run as a phone after a phone word, and only then', async () => {
    expect(await redact('pls call me back 2125550143')).toBe('pls call me back [PHONE_1]');
    expect(await redact('mobile number is 7911223344.')).toBe('mobile number is [PHONE_1].');
    expect(await redact('Tel: 030 4455 6677 (office)')).toBe('Tel: [PHONE_1] (office)');
    for (const text of [
      'order 2125550143 is late',
      'Tracking 7911223344 via DPD',
      'called about invoice 20251234567 twice',
      'phone order #2125550143',
      'call back window 09:00-11:00 on 14/02',
      'call us on 12/03/2026',
      'mobile plan costs 12.50 per month',
    ])
      expect(await redact(text), text).toBe(text);
  });

  it('takes spelled-out and bracketed email addresses', async () => {
    expect(await redact('mail me: li.wei(at)example.org')).toBe('mail me: [EMAIL_1]');
    expect(await redact('write to ops [at] acme [dot] io today')).toBe('write to [EMAIL_1] today');
    expect(await redact('reach sam{at}mail.example.net')).toBe('reach [EMAIL_1]');
    expect(await redact('its ann dot lee at mailbox dot co dot uk ok')).toBe('its [EMAIL_1] ok');
    expect(await redact('BOB AT EXAMPLE DOT COM')).toBe('[EMAIL_1]');
    expect(await redact('send it to me at ann dot lee at mailbox dot com')).toBe('send it to me at [EMAIL_1]');
    expect(await redact('li.wei(at)example.org and li.wei@example.org')).toBe('[EMAIL_1] and [EMAIL_2]');
    for (const text of ['look at docs.example.com for the guide', 'we met at 5 dot com events', 'Arrive at Terminal 2 dot gate'])
      expect(await redact(text), text).toBe(text);
  });

  it('takes a secret after its name outside a URL', async () => {
    expect(await redact('password=Autumn#2025 did not work')).toBe('password=[SECRET_1] did not work');
    expect(await redact('api_key: 5c1d8e2f9a7b3c6d')).toBe('api_key: [SECRET_1]');
    expect(await redact('set STRIPE_SECRET_KEY=rk_live_a1B2c3D4e5 and retry')).toBe('set STRIPE_SECRET_KEY=[SECRET_1] and retry');
    expect(await redact('{"apiKey": "Zq7Xw3Vb9Nm1", "debug": true}')).toBe('{"apiKey": "[SECRET_1]", "debug": true}');
    expect(await redact('X-Api-Key: 0f1e2d3c4b5a6978')).toBe('X-Api-Key: [SECRET_1]');
    expect(await redact('my password is orange42 now')).toBe('my password is [SECRET_1] now');
    expect(await redact('Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==')).toBe('Authorization: Basic [SECRET_1]');
    for (const text of [
      'Password: required, 12 characters minimum',
      'the password is incorrect',
      'token is expired, sign in again',
      'api_key: <paste yours here>',
      'Promo code: SPRING25',
      'Password must be 12 characters',
    ])
      expect(await redact(text), text).toBe(text);
  });
});
