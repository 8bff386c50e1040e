import { describe, expect, it } from 'vitest';
import {
  cardNetwork,
  isCardNumber,
  isEmail,
  isIPv4NonRoutable,
  isIPv6NonRoutable,
  isIPv6NotAnAddress,
  luhnValid,
  parseIPv4,
  parseIPv6,
  phoneShape,
  validPhone,
} from '../../src/pii/validators.ts';
import { detectContext, detectHits, detectLine, valueAfterKey } from '../../src/pii/detect.ts';
import { K_NUMBER } from '../../src/pii/prefilter.ts';
import { keyAt } from '../../src/pii/fields.ts';
import { compileAllowList, parseAllowList } from '../../src/pii/allowlist.ts';
import { globToRegExp } from '../../src/pii/inputs.ts';
import { redactedExcerpt } from '../../src/pii/tally.ts';
import { UserError } from '../../src/cli/errors.ts';

const cats = (line: string) => detectLine(line).map((f) => f.category);

describe('Luhn and card networks', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['378282246310005', true],
    ['5555555555554444', true],
    ['79927398713', true],
    ['79927398710', false],
    ['', false],
    ['12a4', false],
  ])('luhn(%s) = %s', (d, ok) => expect(luhnValid(d)).toBe(ok));

  it.each([
    ['4111111111111111', 'visa'],
    ['4222222222222', 'visa'],
    ['4111111111111111110', 'visa'],
    ['5105105105105100', 'mastercard'],
    ['2221000000000009', 'mastercard'],
    ['2720990000000007', 'mastercard'],
    ['378282246310005', 'amex'],
    ['341111111111111', 'amex'],
    ['6011111111111117', 'discover'],
    ['6500000000000002', 'discover'],
    ['6445644564456445', 'discover'],
    ['3530111333300000', 'jcb'],
    ['30569309025904', 'diners'],
    ['36227206271667', 'diners'],
  ])('network of %s is %s', (d, n) => expect(cardNetwork(d)).toBe(n));

  it.each([
    ['2220990000000000', 'just below Mastercard 2221'],
    ['2721000000000000', 'just above Mastercard 2720'],
    ['37828224631000', 'Amex with 14 digits'],
    ['1700000000123459', 'nanosecond-like, no network starts with 1'],
    ['9999999999999995', 'no network starts with 9'],
    ['5105105105105', '13-digit Mastercard'],
  ])('%s has no network (%s)', (d) => expect(cardNetwork(d)).toBeUndefined());

  it('needs both Luhn and a network', () => {
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(isCardNumber('4111111111111112')).toBe(false); // network ok, Luhn fails
    const ns = Array.from({ length: 10 }, (_, d) => `170000000012345${d}`).find(luhnValid)!;
    expect(isCardNumber(ns)).toBe(false); // Luhn ok, no network
    expect(isCardNumber('411111111111')).toBe(false); // 12 digits
  });
});

describe('IP addresses', () => {
  it.each([
    ['81.2.69.160', 0x510245a0],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
  ])('parses IPv4 %s', (s, v) => expect(parseIPv4(s)).toBe(v));

  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', 'a.b.c.d', '1.2.3.-4'])('rejects IPv4 %s', (s) =>
    expect(parseIPv4(s)).toBeUndefined(),
  );

  it.each(['2001:db8::1', '::1', '::', 'fe80::1ff:fe23:4567:890a', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:203.0.113.9', '1:2:3:4:5:6:7:8', 'fe80::1%eth0'])(
    'parses IPv6 %s',
    (s) => expect(parseIPv6(s)).toBeInstanceOf(Uint8Array),
  );

  it.each(['1:2:3:4:5:6:7', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9', 'g::1', '::ffff:999.1.1.1', ':::'])('rejects IPv6 %s', (s) =>
    expect(parseIPv6(s)).toBeUndefined(),
  );

  it('excludes loopback and unspecified only', () => {
    const v4 = (a: string) => isIPv4NonRoutable(parseIPv4(a)!);
    for (const a of ['127.0.0.1', '127.255.0.53', '0.0.0.0', '10.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1', '100.64.0.1', '100.127.255.254', '169.254.169.254', '224.0.0.251', '255.255.255.0', '198.18.0.1']) {
      expect(v4(a), a).toBe(true);
    }
    for (const a of ['128.0.0.1', '172.15.0.1', '172.32.0.1', '100.63.255.255', '100.128.0.1', '81.2.69.160', '203.0.113.7', '192.0.2.1']) expect(v4(a), a).toBe(false);
    const v6 = (a: string) => isIPv6NonRoutable(parseIPv6(a)!);
    for (const a of ['::1', '::', '::ffff:127.0.0.1', '::ffff:10.1.2.3', '::2', 'ff02::1', 'fc00::5', 'fd12:3456::1', 'fe80::1']) expect(v6(a), a).toBe(true);
    for (const a of ['2001:db8::1', '2a02:cf40::3', '::ffff:81.2.69.160', '64:ff9b::5102:45a0']) expect(v6(a), a).toBe(false);
    // not an address at all (so never even a private one): Python's data[::2], multicast
    expect(isIPv6NotAnAddress(parseIPv6('::2')!)).toBe(true);
    expect(isIPv6NotAnAddress(parseIPv6('fe80::1')!)).toBe(false);
  });
});

describe('email', () => {
  it.each(['jane.doe@acme.io', 'Bob+x@mail.example.co.uk', 'a%b@corp-mail.com', 'x@sub.shop.store', 'UPPER@EXAMPLE.COM'])('accepts %s', (e) =>
    expect(isEmail(e)).toBe(true),
  );
  // RFC 5322 atext and RFC 5321 quoted strings, as validator.js accepts them
  it.each(["o'brien@example.ie", 'test|123@example.com', 'a!b$c*d^e`f~g@x.io', 'a/b=c?d#e&f{g}h@x.io', '"john.doe"@example.com', '"john doe"@example.com', '"foo\\@bar"@example.com', '"  foo  bar "@example.com'])(
    'accepts %s',
    (e) => expect(isEmail(e)).toBe(true),
  );
  it.each(['""@x.io', '"  "@x.io', '"a"b"@x.io', '"a\\"@x.io', 'a"b"@x.io', '"a@x.io', `"${'a'.repeat(63)}"@x.io`, '"a\tb"@x.io'])('rejects quoted form %s', (e) =>
    expect(isEmail(e)).toBe(false),
  );
  it.each(['logo@2x.png', 'a@localhost', 'lodash@4.17.21', '.a@b.com', 'a.@b.com', 'a..b@c.com', 'a@-b.com', 'a@b-.com', 'a@b@c.com', '@b.com', 'a@b.notarealtld'])(
    'rejects %s',
    (e) => expect(isEmail(e)).toBe(false),
  );
});

describe('phone numbers', () => {
  it.each([
    ['+1 415 555 2671', '+14155552671'],
    ['(415) 555-2671', '+14155552671'],
    ['+44 20 7183 8750', '+442071838750'],
    ['+91 98765 43210', '+919876543210'],
  ])('validates %s', (p, e164) => expect(validPhone(p)).toBe(e164));
  it('reads a bare international msisdn only as a phone shape (under a phone field)', () => {
    expect(validPhone('447911123456')).toBeUndefined();
    expect(phoneShape('447911123456')).toBe('+447911123456');
  });
  it('reads national numbers in the countries given, not in any country', () => {
    expect(validPhone('020 7183 8750')).toBeUndefined();
    expect(validPhone('020 7183 8750', ['GB'])).toBe('+442071838750');
    expect(phoneShape('0123456789')).toBeUndefined(); // not a US number's shape (passed as French before)
    expect(phoneShape('0123456789', ['FR'])).toBe('+33123456789');
  });
  it('accepts a number of the right shape in an unassigned area code (fail closed under phone fields)', () => {
    expect(validPhone('(999) 555-0100')).toBeUndefined();
    expect(phoneShape('(999) 555-0100')).toBe('+19995550100');
    expect(phoneShape('+44 7400 123456')).toBe('+447400123456');
    expect(phoneShape('12345')).toBeUndefined();
  });
  it.each(['12345', '+1 000 000 0000', '1234567890123456', '+999 1234 5678'])('rejects %s', (p) => expect(validPhone(p)).toBeUndefined());
  it('reads a number after an international dialling prefix (00, 011) under a phone field, unless a policy country reads it nationally', () => {
    expect(phoneShape('011 44 20 7946 0958')).toBe('+442079460958');
    expect(phoneShape('0044 20 7946 0958')).toBe('+442079460958');
    expect(phoneShape('00 44 7400 123456')).toBe('+447400123456'); // shape: an unassigned mobile range
    expect(phoneShape('011 3797 0000', ['AR'])).toBe('+541137970000'); // Buenos Aires, dialled nationally
    expect(phoneShape('000 44 20 7946 0958')).toBeUndefined();
    expect(phoneShape('0110 44 20 7946')).toBeUndefined();
  });
});

describe('keys and values', () => {
  it('finds the key a value belongs to', () => {
    const line = '{"a":1,"client_ip":"1.2.3.4"} ver=1.2.3.4 msg: 1.2.3.4 free 1.2.3.4';
    expect(keyAt(line, line.indexOf('1.2.3.4'))?.key).toBe('client_ip');
    expect(keyAt(line, line.indexOf('1.2.3.4', 30))?.key).toBe('ver');
    expect(keyAt(line, line.indexOf('1.2.3.4', 45))?.key).toBe('msg');
    expect(keyAt(line, line.lastIndexOf('1.2.3.4'))).toBeUndefined();
  });
  it('reads values in JSON, escaped JSON, logfmt and key: value forms', () => {
    const v = (line: string) => valueAfterKey(line, line.indexOf('username') + 8)?.value;
    expect(v('{"username":"bob","x":1}')).toBe('bob');
    expect(v('{"username": "bo b"}')).toBe('bo b');
    expect(v('{\\"username\\":\\"eve\\"}')).toBe('eve');
    expect(v('username=carol next=1')).toBe('carol');
    expect(v('username: dave, more')).toBe('dave');
    expect(v('username is bob')).toBeUndefined();
  });
});

describe('detectLine', () => {
  it.each([
    ['{"username":"bob"}', ['username']],
    ['{"USER_NAME": "x"}', ['username']],
    ['username=carol', ['username']],
    ['username: dave', ['username']],
    ['{"username_length":8}', []],
    ['{"user_id":42}', []],
    ['{"username":null}', []],
    ['{"username":"b***"}', []],
    ['{"username":"t***@a***.io"}', []],
    ['{"username": 13}', []],
    ['{"username":"13"}', ['username']],
    ['xff=203.0.113.7, 198.51.100.23', ['ip', 'ip']],
    ['oid 1.3.6.1.4.1.343', []],
    ['Chrome/120.0.0.0', []],
    ['v1.2.3.4', []],
    ['{"version":"1.2.3.4"}', []],
    ['listen 0.0.0.0:80', []],
    ['peer 127.0.0.1', []],
    ['peer [2001:db8::1]:443', ['ip']],
    ['bind ::1', []],
    ['at 10:02:33 mac 00:1a:2b:3c:4d:5e', []],
    ['call +1 415 555 2671 now', ['phone']],
    ['call (415) 555-2671 now', ['phone']],
    ['call (415)5552671 now', ['phone']],
    ['call 415.555.2671 now', ['phone']],
    ['call 1-800-555-0199 now', ['phone']],
    ['call 4155552671 now', []],
    ['{"phone":"4155552671"}', ['phone']],
    ['{"phone_count":4155552671}', []],
    ['US: 415-555-0132', ['phone']], // a time unit (`us`) is never written in a phone's grouping
    ['{"duration_ms":"(415) 555-2671"}', ['phone']],
    ['{"case_id":"415-555-2671"}', []], // an id may be
    ['{"version":"415.555.2671"}', []],
    ['{"contact_id":"4155552671"}', []],
    ['{"epoch":4155552671}', []],
    ['{"count":4155552671}', []],
    ['{"bytes":"4155552671"}', []],
    ['id 550e8400-e29b-41d4-a716-446655440000', []],
    ['date 2026-11-22 16:30:59', []],
    ['pan 4111 1111 1111 1111.', ['card']],
    ['pan 3782-822463-10005', ['card']],
    ['{"ts_ns":1700000000123453}', []],
    ['{"id":"4111111111111112"}', []],
    ['mail jane@acme.io', ['email']],
    ['asset logo@2x.png', []],
  ])('%s -> %j', (line, expected) => expect(cats(line)).toEqual(expected));

  // a number dialled with 00 or 011 instead of +: the country code its own group, the rest valid,
  // the whole digit run (libphonenumber-js's parse tests dial Australia from the US as 011 61 2 3456 7890)
  it.each([
    ['call 011 44 20 7946 0958 now', '011 44 20 7946 0958'],
    ['fax 011-49-30-1234567', '011-49-30-1234567'],
    ['call 0044 20 7946 0958', '0044 20 7946 0958'],
    ['call 00 44 20 7946 0958.', '00 44 20 7946 0958'],
    ['call 0044 (0)20 7946 0958', '0044 (0)20 7946 0958'],
    ['US: 011 61 2 3456 7890', '011 61 2 3456 7890'],
    ['{"phone":"011 44 20 7946 0958"}', '011 44 20 7946 0958'],
    ['{"msisdn":"0044 7400 123456"}', '0044 7400 123456'],
  ])('reads %s as an international number', (line, span) => {
    const f = detectLine(line);
    expect(f.map((x) => line.slice(x.start, x.end))).toEqual([span]);
    expect(f[0].category).toBe('phone');
    expect(f[0].norm.startsWith('+')).toBe(true);
  });
  it.each([
    'ref 0012 3456 7890 closed', // +1 234 567 890 is not valid
    'call 00442079460958 now', // one bare run: no grouping
    'call 0044-2079-4609-58-77 now', // the run goes on past a valid number
    'hexdump 00 44 20 79 46 09 58 00 00 1c',
    'x-0044 20 7946 0958',
    'v1.0044 20 7946 0958',
    'call 000 44 20 7946 0958',
    'call 00 4 420 7946 0958', // the group after the prefix is not the country code (44)
    '{"case_id":"0044 20 7946 0958"}',
  ])('does not read %s as a phone', (line) => expect(cats(line)).toEqual([]));
  it('reads a bare 00/011 number under a phone field once the prefilter reports the run (it drops bare 13+ digit runs starting with 0 today)', () => {
    const ctx = detectContext();
    for (const line of ['{"phone":"00442079460958"}', '{"msisdn":"011442079460958"}']) {
      const hit = line.indexOf(':"0') + 2;
      expect(detectHits(line, [hit * 16 + K_NUMBER], ctx).map((f) => [f.norm, f.rule])).toEqual([['+442079460958', 'phone.field']]);
    }
  });
  it('gives an international number the same fingerprint however it is dialled', () => {
    const norm = (line: string) => detectLine(line)[0].norm;
    expect(norm('call 011 44 20 7946 0958')).toBe(norm('call +44 20 7946 0958'));
    expect(norm('call 0044 20 7946 0958')).toBe(norm('call +44 20 7946 0958'));
  });

  // atext inside a local part; delimiters before an address stay outside it
  it.each([
    ['note user|tag@example.com seen', 'user|tag@example.com'],
    ["to o'brien@example.ie", "o'brien@example.ie"],
    ['to a+b@x.io', 'a+b@x.io'],
    ['to a!b$c*d^e`f~g@x.io', 'a!b$c*d^e`f~g@x.io'],
    ['to=jane@x.io', 'jane@x.io'],
    ["to='jane@x.io'", 'jane@x.io'],
    ['{jane@x.io}', 'jane@x.io'],
    ['path=/a/jane@x.io', 'jane@x.io'],
    ['GET /unsubscribe?jane@x.io', 'jane@x.io'],
    ['GET /p#jane@x.io', 'jane@x.io'],
    ['level=info email=jane@x.io', 'jane@x.io'],
    ['2026-01-01|INFO|jane@x.io', 'jane@x.io'],
    ['INFO|jane@x.io|login', 'jane@x.io'],
    ['user|tag@example.com | status=ok', 'tag@example.com'],
    ["name='o'brien@x.ie'", "o'brien@x.ie"],
    ["Jane's address jane@x.io", 'jane@x.io'],
    ['*jane@x.io*', 'jane@x.io'],
    ['a/b=c@x.io', 'c@x.io'],
  ])('%s -> %s', (line, span) => expect(detectLine(line).map((f) => line.slice(f.start, f.end))).toEqual([span]));

  it.each([
    ['to "john.doe"@example.com', '"john.doe"@example.com', 'john.doe@example.com', '"j***"@e***.com'],
    ['to "john doe"@example.com', '"john doe"@example.com', '"john doe"@example.com', '"j***"@e***.com'],
    ['to "foo\\@bar"@example.com', '"foo\\@bar"@example.com', '"foo\\@bar"@example.com', '"f***"@e***.com'],
    ['{"to":"\\"john doe\\"@example.com"}', '\\"john doe\\"@example.com', '"john doe"@example.com', '\\"j***\\"@e***.com'],
    // a quoted pair inside a JSON string: its backslash (and an inner quote) escaped once more
    ['{"to":"\\"test\\\\ test\\"@iana.org"}', '\\"test\\\\ test\\"@iana.org', '"test\\ test"@iana.org', '\\"t***\\"@i***.org'],
    ['{"to":"\\"foo\\\\@bar\\"@example.com"}', '\\"foo\\\\@bar\\"@example.com', '"foo\\@bar"@example.com', '\\"f***\\"@e***.com'],
    ['{"to":"\\"a\\\\\\"b\\"@example.com"}', '\\"a\\\\\\"b\\"@example.com', '"a\\"b"@example.com', '\\"a***\\"@e***.com'],
    // a quoted backslash pair in plain text is no JSON escape of the closing quote
    ['to "\\\\"@iana.org now', '"\\\\"@iana.org', '"\\\\"@iana.org', '"\\***"@i***.org'],
  ])('finds the quoted local part in %s whole', (line, span, norm, redacted) => {
    const f = detectLine(line);
    expect(f.map((x) => [line.slice(x.start, x.end), x.norm, x.redacted])).toEqual([[span, norm, redacted]]);
  });
  it.each([
    'mail ${user}@acme.io',
    "GRANT SELECT ON shop.* TO 'report'@'localhost'",
    'GRANT SELECT ON shop.* TO "report"@localhost',
    'foo"bar"@gmail.com',
    '""@x.io and " "@x.io',
    'pull https://u:pa$$w0rd@registry.example.com/v2',
    'pull https://deploy:s3cr!t@registry.example.com/v2',
    'already "j***"@e***.com',
  ])('finds no address in %s', (line) => expect(cats(line)).toEqual([]));

  it('finds a card next to other numbers and a phone followed by more digits', () => {
    expect(cats('ref 123 4111 1111 1111 1111 200')).toEqual(['card']);
    expect(cats('sms +1 415 555 2671 200 ok')).toEqual(['phone']);
  });

  it('redacts to what a person needs', () => {
    const r = (line: string) => detectLine(line).map((f) => f.redacted);
    expect(r('to jane@acme.io')).toEqual(['j***@a***.io']);
    expect(r('pan 4111 1111 1111 1111')).toEqual(['**** **** **** 1111']);
    expect(r('amex 378282246310005')).toEqual(['**** ****** *0005']);
    expect(r('ip 81.2.69.160')).toEqual(['81.2.x.x']);
    expect(r('ip 2001:db8::1')).toEqual(['2001:db8:x:x:x:x:x:x']);
    expect(r('{"username":"bob"}')).toEqual(['b***']);
    expect(r('sms +1 415 555 2671')).toEqual(['+*********71']);
  });

  it('normalises equal values written differently to the same form', () => {
    const norm = (line: string) => detectLine(line)[0].norm;
    expect(norm('sms +1 415 555 2671')).toBe(norm('call (415) 555-2671'));
    expect(norm('pan 4111-1111-1111-1111')).toBe(norm('pan 4111111111111111'));
    expect(norm('ip ::ffff:81.2.69.160')).toBe(norm('ip 81.2.69.160'));
    expect(norm('to JANE@ACME.IO')).toBe(norm('to jane@acme.io'));
  });

  it('builds excerpts with every value redacted', () => {
    const line = '{"e":"jane@acme.io","ip":"81.2.69.160","pad":"' + 'x'.repeat(500) + '"}';
    const ex = redactedExcerpt(line, detectLine(line));
    expect(ex).toContain('j***@a***.io');
    expect(ex).toContain('81.2.x.x');
    expect(ex).not.toContain('jane');
    expect(ex.length).toBeLessThan(300);
    expect(ex.endsWith('…')).toBe(true);
  });

  it('shows excerpts of latin1-decoded bytes as UTF-8, with control bytes made visible', () => {
    const line = Buffer.from('café jane@acme.io \u0000 naïve').toString('latin1');
    expect(redactedExcerpt(line, detectLine(line))).toBe('café j***@a***.io \uFFFD naïve');
    const long = Buffer.from('é'.repeat(100) + ' ' + 'y'.repeat(300) + ' jane@acme.io').toString('latin1');
    expect(redactedExcerpt(long, detectLine(long))).toBe('… j***@a***.io');
  });
});

describe('allowlist', () => {
  it('validates entries and names the bad one', () => {
    expect(() => parseAllowList('ip: ["10.0.0.0/33"]', 'allow.yaml')).toThrow(/allow.yaml: ip\[0\] '10.0.0.0\/33' is not an IP/);
    expect(() => parseAllowList('emails: [a.com]', 'allow.yaml')).toThrow(/unknown category 'emails'/);
    expect(() => parseAllowList('ip: 10.0.0.1', 'allow.yaml')).toThrow(UserError);
    expect(() => parseAllowList('ip: [', 'allow.yaml')).toThrow(/invalid YAML/);
    expect(() => parseAllowList('phone: ["123"]', 'allow.yaml')).toThrow(/not a valid phone/);
    expect(parseAllowList('', 'allow.yaml')).toEqual({});
  });
  it('drops allowed values and keeps the rest', () => {
    const allow = compileAllowList(
      parseAllowList(
        'ip: [10.0.0.0/8, "2001:db8::/32"]\nemail: [acme.io, ops@corp.com]\nusername: ["svc-*"]\nphone: ["+1 415 555 2671"]\ncard: ["4111 1111 1111 1111"]',
      ),
    );
    const c = (line: string) => detectLine(line, allow).map((f) => f.category);
    expect(c('ip 10.1.2.3 and 11.1.2.3')).toEqual(['ip']);
    expect(c('ip 2001:db8::5 2001:db9::5')).toEqual(['ip']);
    expect(c('a@acme.io b@eu.acme.io c@notacme.io ops@corp.com dev@corp.com')).toEqual(['email', 'email']);
    expect(c('{"username":"svc-deploy"} {"username":"bob"}')).toEqual(['username']);
    expect(c('call (415) 555-2671 or (212) 555-0123')).toEqual(['phone']);
    expect(c('4111111111111111 5555555555554444')).toEqual(['card']);
  });
});

describe('globs', () => {
  it.each([
    ['*.log', 'a.log', true],
    ['*.log', 'd/a.log', false],
    ['**/*.log', 'd/e/a.log', true],
    ['**/*.log', 'a.log', true],
    ['app-?.log', 'app-1.log', true],
    ['app-[0-9].log', 'app-x.log', false],
    ['app-[!0-9].log', 'app-x.log', true],
  ])('%s matches %s: %s', (g, p, ok) => expect(globToRegExp(g).test(p)).toBe(ok));
  it('rejects an unclosed class', () => expect(() => globToRegExp('a[b.log')).toThrow(/unclosed/));
});

describe('id fields and cards', () => {
  const cards = (line: string) => detectLine(line).filter((f) => f.category === 'card').map((f) => f.field);
  it('never reads an id as a card, unless its key names a card', () => {
    // 4539578763621486 passes Luhn on Visa's range
    expect(cards('{"transaction":{"id":"4539578763621486"}}')).toEqual([]);
    expect(cards('event_id=4539578763621486')).toEqual([]);
    expect(cards('{"card_id":"4539578763621486"}')).toEqual(['card_id']);
    expect(cards('{"payment":{"card":"4539578763621486"}}')).toEqual(['payment.card']);
  });
});
