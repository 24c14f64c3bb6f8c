import { describe, expect, it } from 'vitest';
import { checkedAddress, isPublicAddress, parseWebhookUrl } from './webhook-url.js';

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('a webhook URL', () => {
  it('is https, without credentials or fragment', () => {
    expect(parseWebhookUrl('https://hooks.example.org/rollcall', []).host).toBe('hooks.example.org');
    expect(refusal(() => parseWebhookUrl('http://hooks.example.org/', []))).toBe('url must start with https://');
    expect(refusal(() => parseWebhookUrl('ftp://hooks.example.org/', []))).toBe('url must start with https://');
    expect(refusal(() => parseWebhookUrl('https://user:pw@hooks.example.org/', []))).toMatch(/user name or password/);
    expect(refusal(() => parseWebhookUrl('https://hooks.example.org/#x', []))).toMatch(/fragment/);
    expect(refusal(() => parseWebhookUrl('not a url', []))).toBe('url is not a URL');
  });

  it('may not name an internal address, in any spelling', () => {
    for (const url of ['https://127.0.0.1/', 'https://10.1.2.3/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://[fe80::1]/', 'https://0x7f000001/', 'https://2130706433/'])
      expect(refusal(() => parseWebhookUrl(url, [])), url).toMatch(/private, loopback or link-local/);
  });

  it('may be plain http, to any address, on a host WEBHOOK_ALLOW_HOSTS names', () => {
    expect(parseWebhookUrl('http://127.0.0.1:8080/hook', ['127.0.0.1'])).toMatchObject({ host: '127.0.0.1', allowed: true });
    expect(checkedAddress(parseWebhookUrl('http://127.0.0.1:8080/hook', ['127.0.0.1']), ['127.0.0.1'])).toBe('127.0.0.1');
  });

  it('is refused when its host resolves to an internal address among others, or to none', () => {
    const target = parseWebhookUrl('https://rebinding.example.org/', []);
    expect(refusal(() => checkedAddress(target, ['93.184.215.14', '127.0.0.1']))).toMatch(/resolves to a private/);
    expect(refusal(() => checkedAddress(target, []))).toMatch(/does not resolve/);
    expect(checkedAddress(target, ['93.184.215.14'])).toBe('93.184.215.14');
  });
});

describe('isPublicAddress', () => {
  it('tells public addresses from loopback, private, link-local and their IPv6 forms', () => {
    for (const address of ['8.8.8.8', '93.184.215.14', '2606:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:7f00:1', '64:ff9b::a9fe:a9fe', 'not-an-ip'])
      expect(isPublicAddress(address), address).toBe(false);
  });
});
