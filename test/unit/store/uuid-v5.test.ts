import { describe, expect, it } from 'vitest';
import { isUuid, uuidV5 } from '../../../src/store/uuid-v5.js';

describe('uuidV5', () => {
  it('matches the RFC 9562 / Python uuid.uuid5 reference values', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com') and uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.com/ü')
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('is deterministic, versioned and distinct per name', () => {
    const ns = '3f6c2a4e-9d1b-5e7a-8c40-6b2f1d9e0a57';
    const a = uuidV5("o'brien", ns);
    expect(uuidV5("o'brien", ns)).toBe(a);
    expect(uuidV5('o"brien', ns)).not.toBe(a);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('5');
    expect('89ab').toContain(a[19]);
  });

  it('rejects a malformed namespace', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow();
  });
});
