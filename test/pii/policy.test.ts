// The PII policy and the field-aware rules, through the library: every field form a log writes,
// every default of docs/pii.md, and findings that explain themselves.
import { describe, expect, it } from 'vitest';
import { webhookDeliveryPiiPolicy as policy } from '../../runbooks/webhook-delivery/pii-policy.ts';
import { detectContext, detectLine, RULES } from '../../src/pii/detect.ts';
import { fieldOf } from '../../src/pii/fields.ts';
import { compilePolicy, EMPTY_POLICY, normaliseField, policyProblems, type PiiPolicy } from '../../src/pii/policy.ts';
import { cardNetwork, isCardNumber } from '../../src/pii/validators.ts';

const ctx = detectContext(compilePolicy(policy));
const found = (line: string, c = ctx) => detectLine(line, c).map((f) => [f.category, f.field]);
const cats = (line: string, c = ctx) => detectLine(line, c).map((f) => f.category);
const withPolicy = (p: Partial<PiiPolicy>) => detectContext(compilePolicy({ ...policy, ...p }));

describe('field names', () => {
  it.each([
    ['clientIP', 'client_ip'],
    ['X-Forwarded-For', 'x_forwarded_for'],
    ['user.Name', 'user.name'],
    ['enduser.id', 'enduser.id'],
    ['remoteAddr', 'remote_addr'],
  ])('%s is spelt %s', (raw, norm) => expect(normaliseField(raw)).toBe(norm));

  it.each([
    ['{"client":{"ip":"81.2.69.160"}}', '81.2', 'client.ip'],
    ['{"client.ip":"81.2.69.160"}', '81.2', 'client.ip'],
    ['{"http":{"request":{"x_forwarded_for":["203.0.113.7","81.2.69.160"]}}}', '81.2', 'http.request.x_forwarded_for'],
    ['{"attributes":[{"key":"client.address","value":{"stringValue":"81.2.69.160"}}]}', '81.2', 'client.address'],
    ['{"log":"{\\"user\\":{\\"ip\\":\\"81.2.69.160\\"}}"}', '81.2', 'user.ip'],
    ['ts=1 client_ip=81.2.69.160 msg="x"', '81.2', 'client_ip'],
    ['msg="login from 81.2.69.160 failed"', '81.2', 'msg'],
    ['failed login from 81.2.69.160', '81.2', 'text'],
    ['81.2.69.160 - bob [22/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" "89.160.20.112"', '81.2', 'remote_addr'],
    ['81.2.69.160 - bob [22/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" "89.160.20.112"', '89.160', 'http_x_forwarded_for'],
    ['[2026-11-22T08:00:00.000Z] "GET / HTTP/1.1" 200 - 0 5 3 2 "81.2.69.160" "curl/8" "id" "api.example.com" "89.160.20.112:443"', '89.160', 'upstream_host'],
  ])('%s: %s… is under %s', (line, at, field) => expect(fieldOf(line, line.indexOf(at))).toBe(field));
});

describe('addresses', () => {
  it.each(['10.1.2.3', '172.16.0.9', '192.168.1.100', '100.64.12.1', '127.0.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.251', 'fd12:3456::1', 'fe80::1ff:fe23:4567:890a', '::1', 'ff02::fb'])(
    'non-routable %s is not personal, even under client_ip',
    (ip) => expect(cats(`{"client_ip":"${ip}"}`)).toEqual([]),
  );
  it('a non-routable address is personal when the policy says its range is', () => {
    expect(cats('{"client_ip":"10.8.0.7"}', withPolicy({ personalRanges: ['10.8.0.0/16'] }))).toEqual(['ip']);
    expect(detectLine('{"client_ip":"10.8.0.7"}', withPolicy({ personalRanges: ['10.8.0.0/16'] }))[0].rule).toBe('ip.personal-range');
  });
  it.each([
    ['{"upstream_addr":"52.1.2.3:443"}'],
    ['{"server":{"address":"52.1.2.3"}}'],
    ['{"host":{"ip":["52.1.2.3"]}}'],
    ['{"destination.ip":"52.1.2.3"}'],
    ['{"k8s":{"node":{"ip":"52.1.2.3"}}}'],
    ['{"resource":{"attributes":[{"key":"network.local.address","value":{"stringValue":"52.1.2.3"}}]}}'],
    ['upstream=52.1.2.3:8080 status=200'],
    ['{"downstream_local_address":"52.1.2.3:443"}'],
    ['{"uid":"C1","id.orig_h":"10.0.0.8","id.resp_h":"52.1.2.3","id.resp_p":443}'],
    ['{"event_type":"dns","dns":{"type":"answer","rrname":"example.com","rdata":"52.1.2.3"}}'],
    ['{"dns":{"resolved_ip":["52.1.2.3"]}}'],
  ])('a public address under an infrastructure field is not personal: %s', (line) => expect(cats(line)).toEqual([]));
  it.each([
    ['{"client_ip":"52.1.2.3"}', 'client_ip'],
    ['{"source":{"ip":"52.1.2.3"}}', 'source.ip'],
    ['{"remote_addr":"52.1.2.3"}', 'remote_addr'],
    ['{"x_forwarded_for":"52.1.2.3, 10.0.0.1"}', 'x_forwarded_for'],
    ['{"peer":"52.1.2.3"}', 'peer'],
    ['connect from 52.1.2.3', 'text'],
  ])('a public address anywhere else is personal: %s', (line, field) => expect(found(line)).toEqual([['ip', field]]));
  it('the policy can allow a range', () => expect(cats('{"peer":"52.1.2.3"}', withPolicy({ allowedRanges: ['52.1.0.0/16'] }))).toEqual([]));
  it.each([
    // an escaped quote mid-string is text: the value is still under the string's own key
    ['{"level":"error","upstream":"dial tcp \\"52.95.110.1:443\\": i/o timeout"}', []],
    ['{"level":"error","msg":"dial tcp \\"52.95.110.1:443\\": i/o timeout"}', [['ip', 'msg']]],
    ['{"msg":"user \\"bob\\" from 81.2.69.160"}', [['ip', 'msg']]],
    ['{"log":"{\\"upstream_addr\\":\\"81.2.69.160\\"}"}', []],
  ])('the field of a value after an escaped quote: %s', (line, want) => expect(found(line)).toEqual(want));
});

describe('IPv6 next to colons, and IPv4 tails', () => {
  it.each([
    ['ERROR upstream connect error from 2400:cb00:2049:1::a29f:1804: connection refused', '2400:cb00:x:x:x:x:x:x'],
    ['haproxy[1]: 2400:cb00:2049:1::a29f:1804:51234 [01/Dec/2026:06:47:22.123] fe be/srv 200', '2400:cb00:x:x:x:x:x:x'],
    ['java.net.ConnectException: /2400:cb00:2049:1:0:0:a29f:1804:443 refused', '2400:cb00:x:x:x:x:x:x'],
    ['src:2400:cb00:2049:1::a29f:1804 dst:10.0.0.1', '2400:cb00:x:x:x:x:x:x'],
    ['x 64:ff9b::81.2.69.160 y', '64:ff9b:x:x:x:x:x:x'],
    ['x ::ffff:81.2.69.160 y', '81.2.x.x'],
  ])('a public IPv6 with a key, a colon or a port glued on: %s', (line, redacted) => expect(detectLine(line, ctx).map((f) => f.redacted)).toEqual([redacted]));
  it.each(['x 2001:db8:::1 y', 'connection from 1:2:3:4:5:6:1.2.3.4 accepted', 'x FFFF::192.0.2.1 y', 'x fe80::8.8.8.8 y', 'x fd00::8.8.8.8 y', 'mac 00:1a:2b:3c:4d:5e ok'])(
    'the IPv4 tail of an address that is no personal one is not read alone: %s',
    (line) => expect(cats(line)).toEqual([]),
  );
});

describe('shapes from parsers\' fixtures: ports after a slash, pipes, prefixes before a record, bare members', () => {
  it.each([
    ['%ASA-6-106100: access-list inside denied udp inside/172.29.2.101(1039) -> outside/81.2.69.160(53) hit-cnt 1', [['ip', 'text']]],
    ['java.net.ConnectException: Connection refused: example.com/81.2.69.160:443', [['ip', 'text']]],
    ['Mozilla/5.0 (X11) Chrome/120.0.0.0 Safari/537.36', []],
    // Windows' CBS.log: a package identity ends in its version (loghub's Windows sample)
    ['2016-09-28 04:30:33, Info                  CBS    Read out cached package applicability for package: Package_for_KB3121255~31bf3856ad364e35~amd64~~6.1.1.0, ApplicableState: 112', []],
    ['jar file:/opt/app/lib/guava-31.1.2.1.jar loaded', []],
    ['downloading app-1.0.0.2.tar.gz', []],
    ['firmware 4.4.2.1 installed on device', []],
    ['connect to 81.2.69.160.nip.io failed', [['ip', 'text']]],
    // the account a JVM daemon runs as, in its start-up environment dump (loghub's Zookeeper sample)
    ['2026-11-13 10:11:17,001 - INFO  [main:Environment@100] - Server environment:user.name=zookeeper', []],
    ['2026-11-13 10:11:18,001 - INFO  [main:Environment@100] - Client environment:user.name=hana', [['username', 'user.name']]],
    // a network named as one (loghub's HPC sample); a host on it is still an address
    ['NIFF: node node-69 detected a failed network connection on network 81.2.224.0 via interface alt0', []],
    ['route add subnet 81.2.69.0 gw 10.0.0.1', []],
    ['network 81.2.69.160 unreachable', [['ip', 'text']]],
    ['santa: action=EXEC|pid=29678|uid=0|user=root|gid=0|group=wheel|mode=M', []],
    ['santa: action=EXEC|pid=29678|uid=501|user=akroh|gid=20|group=staff|mode=M', [['username', 'user']]],
    // Envoy's record after a container runtime's prefix or Ambassador's `ACCESS `: its columns are read
    ['2026-11-30T09:27:02.123Z stdout F [2026-11-30T09:27:02.100Z] "GET /x HTTP/1.1" 501 - 0 0 180 179 "10.0.0.7" "curl/8.5.0" "4f1c2d3e-aaaa-bbbb-cccc-0123456789ab" "httpbin.org" "52.71.234.219:80"', []],
    ['ACCESS [2019-04-10T03:49:34.451Z] "GET /x HTTP/1.1" 501 - 0 0 180 179 "172.17.0.3" "curl/7.54.0" "0e8a7a5e-8d4f-4d2f-9f5e-d3b3c3f5e6a7" "httpbin.org" "52.71.234.219:80"', []],
    ['2026-11-30T09:27:02.123Z stdout F 81.2.69.160 - bob [30/Nov/2026:09:27:02 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"', [['ip', 'remote_addr'], ['username', 'remote_user']]],
    // the record inside a JSON string (Docker's json-file, a JSON logger's message): its quotes are escaped
    ['{"message":"ACCESS [2019-04-10T03:49:34.451Z] \\"GET /x HTTP/1.1\\" 501 - 0 0 180 179 \\"172.17.0.3\\" \\"curl/7.59.0\\" \\"413bf460-bd56-4515-ada4-2a0e5d1f3b3c\\" \\"httpbin.org\\" \\"52.71.234.219:80\\"","stream":"stdout"}', []],
    ['{"log":"[2026-11-30T09:27:02.100Z] \\"GET /x HTTP/1.1\\" 200 - 0 12 3 2 \\"81.2.69.160\\" \\"curl/8.5.0\\" \\"4f1c2d3e\\" \\"api.example.com\\" \\"52.71.234.219:443\\"\\n","stream":"stdout"}', [['ip', 'x_forwarded_for']]],
    ['{"log":"203.0.113.47 - greta [30/Nov/2026:09:27:02 +0000] \\"GET / HTTP/1.1\\" 401 188 \\"-\\" \\"Mozilla/5.0\\" \\"52.71.234.219\\"\\n"}', [['ip', 'remote_addr'], ['username', 'remote_user'], ['ip', 'http_x_forwarded_for']]],
    ['{"message":"login from 81.2.69.160 failed"}', [['ip', 'message']]],
    // objects printed by Java's Map.toString, Go's %+v and Node's inspect
    ['created user={name=bob, id=7}', [['username', 'user.name']]],
    ["created user: { name: 'bob', id: 7 }", [['username', 'user.name']]],
    ['created user={ID:7 Name:bob}', [['username', 'user.name']]],
    ['created user={name=svc-deploy, id=7}', []],
    // Rails' parameter log (a Ruby hash), Go's map and struct-pointer printouts, uvicorn's level
    ['Parameters: {"utf8"=>"x", "user"=>{"name"=>"Lilith", "admin"=>false}, "commit"=>"Create User"}', [['username', 'parameters.user.name']]],
    ['user checkout user=map[email:[REDACTED] phone:[REDACTED] order_id:ORD-12345] cart_total=99.99', []],
    ['user login user=map[] ok', []],
    ['INFO:     208.122.8.11:0 - "GET /openapi.json HTTP/1.1" 200 OK', [['ip', 'text']]],
    ['{"ERROR":"81.2.69.160"}', [['ip', 'error']]],
    ['DETAIL:  Key (username)=(jlopez) already exists.', [['username', 'username']]],
    // a login written as an address: the mailbox rules decide for both
    ['{"user":"noreply@acme.io"}', []],
    ['{"username":"etl@my-proj.iam.gserviceaccount.com"}', []],
    ['{"user":"jane@acme.io"}', [['email', 'user'], ['username', 'user']]],
    // Elasticsearch's built-in users are service accounts
    ['2a02:cf40:: - remote_monitoring_user [24/Aug/2022:21:04:17 +0000] "POST /_bulk HTTP/1.1" 200 470', [['ip', 'remote_addr']]],
    ['{"user":{"name":"elastic"},"event":{"action":"authentication_success"}}', []],
  ])('%s', (line, want) => expect(found(line)).toEqual(want));
});

describe('mailboxes', () => {
  it.each(['no-reply@acme.io', 'noreply@acme.io', 'NoReply+bounce-77@acme.io', 'do-not-reply@acme.io', 'donotreply@x.example.com', 'postmaster@acme.io', 'abuse@acme.io', 'support@acme.io', 'mailer-daemon@acme.io', 'webmaster@acme.io'])(
    'role mailbox %s is not personal',
    (m) => expect(cats(`{"from":"${m}"}`)).toEqual([]),
  );
  it("addresses at the service's own domains are not a customer's", () => expect(cats('{"from":"alerts@hooks.slogate.dev"}')).toEqual([]));
  it.each(['jane.doe@acme.io', 'j.smith@globex.net', 'info.jane@acme.io', 'x@xn--80ak6aa92e.xn--p1ai', 'anna@xn--mller-kva.de'])('a person’s address is personal: %s', (m) =>
    expect(cats(`to ${m}`)).toEqual(['email']),
  );
});

describe('accounts and usernames', () => {
  it.each([
    ['{"user":{"name":"bob"}}', 'user.name'],
    ['{"user.name":"bob"}', 'user.name'],
    ['{"username":"bob"}', 'username'],
    ['{"attributes":[{"key":"enduser.id","value":{"stringValue":"bob"}}]}', 'enduser.id'],
    ['level=info user=bob msg=hi', 'user'],
    ['{"log":"{\\"user_name\\":\\"bob\\"}"}', 'user_name'],
    ['81.2.69.160 - bob [22/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5', 'remote_user'],
    ['81.2.69.160 identd-x bob [22/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5', 'remote_user'],
  ])('a login name is personal: %s', (line, field) => expect(found(line).filter(([c]) => c === 'username')).toEqual([['username', field]]));
  it.each([
    '{"user":{"name":"system:serviceaccount:kube-system:coredns"}}',
    '{"username":"system:node:ip-10-0-1-2"}',
    '{"username":"svc-billing"}',
    '{"db":{"user":"app_rw"}}',
    '{"service_account":{"username":"deploy42"}}',
    '{"role":{"user":"reporting"}}',
    'login failed for username: svc_reporting',
    '{"user":"root"}',
    '{"user_agent":"Mozilla/5.0"}',
    '{"user_id":42}',
    'level=info user=42 msg=x',
    '10.0.0.1 - - [22/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5',
  ])('not a person’s login: %s', (line) => expect(cats(line).filter((c) => c === 'username')).toEqual([]));
  it('a pattern of two segments is found nested, dotted and in logfmt, a member named like a username in any object', () => {
    const c = withPolicy({ fields: { ...policy.fields, username: ['username', 'agent.handle'] } });
    const users = (line: string) => found(line, c).filter(([cat]) => cat === 'username');
    expect(users('{"agent":{"handle":"alice"}}')).toEqual([['username', 'agent.handle']]);
    expect(users('{"x":1,"agent":{"id":3,"handle":"bob.smith"}}')).toEqual([['username', 'agent.handle']]);
    expect(users('{"agent.handle":"carol"}')).toEqual([['username', 'agent.handle']]);
    expect(users('level=info agent.handle=dave')).toEqual([['username', 'agent.handle']]);
    expect(users('{"agent":{"name":"erin"}}')).toEqual([]);
    // a wildcard parent: found from the member, named with the parent the line gives it
    const nick = withPolicy({ fields: { ...policy.fields, username: ['*.nick'] } });
    expect(found('{"x":{"nick":"zed"}}', nick).filter(([cat]) => cat === 'username')).toEqual([['username', 'x.nick']]);
    expect(found('{"nick":"zed"}', nick).filter(([cat]) => cat === 'username')).toEqual([]);
    // an object under a key no pattern names still holds a member a pattern names
    expect(found('{"user_agent":{"username":"frank"}}').filter(([cat]) => cat === 'username')).toEqual([['username', 'user_agent.username']]);
  });
});

describe('phones', () => {
  it('under a phone field, a number of a phone shape counts even in an unassigned area code', () => {
    expect(found('{"customer_phone":"(999) 555-0147"}')).toEqual([['phone', 'customer_phone']]);
    expect(found('{"phone":"9995550147"}')).toEqual([['phone', 'phone']]);
    expect(found('{"contact":{"phone":{"number":"2015550123"}}}')).toEqual([['phone', 'contact.phone.number']]);
    expect(found('{"attributes":[{"key":"user.phone","value":{"stringValue":"2015550123"}}]}')).toEqual([['phone', 'user.phone']]);
    expect(detectLine('{"phone":"9995550147"}', ctx)[0].rule).toBe('phone.field');
  });
  it('reads national numbers in the policy’s countries, not in any country', () => {
    expect(cats('{"phone":"0123456789"}')).toEqual([]);
    expect(cats('{"phone":"0123456789"}', withPolicy({ phoneCountries: ['FR'] }))).toEqual(['phone']);
    expect(cats('{"mobile":"07700 900123"}')).toEqual([]);
    expect(cats('{"mobile":"07700 900123"}', withPolicy({ phoneCountries: ['US', 'GB'] }))).toEqual(['phone']);
  });
  it('finds national formats in free text for the policy’s countries', () => {
    expect(cats('customer says call me at (415) 555-2671 tomorrow')).toEqual(['phone']);
    expect(cats('customer says call me at 020 7183 8750 tomorrow')).toEqual([]);
    expect(cats('customer says call me at 020 7183 8750 tomorrow', withPolicy({ phoneCountries: ['GB'] }))).toEqual(['phone']);
  });
  it('outside phone fields a number must be valid', () => {
    expect(cats('note (999) 555-0147 here')).toEqual([]);
    expect(cats('call +1 999 555 0147')).toEqual([]);
    expect(cats('call +44 20 7183 8750')).toEqual(['phone']);
  });
  it('counts, ids and times under phone-looking fields are not phones', () => {
    expect(cats('{"phone_count":4155552671,"contact_id":"4155552671","phone_verified_at":1732262400}')).toEqual([]);
  });
});

describe('cards and id look-alikes', () => {
  it.each([
    ['6212345678901265', 'unionpay'],
    ['8171999927660000', 'unionpay'],
    ['8171999900000000021', 'unionpay'],
    ['6765780016990268', 'maestro'],
    ['5019717010103742', 'dankort'],
    ['6522 1111 1111 1111'.replace(/ /g, ''), 'discover'],
    ['2200123456789010', 'mir'],
    ['6062821086773091', 'rupay'],
    ['9792123456789016', 'troy'],
  ])('%s is a %s IIN', (d, n) => expect(cardNetwork(d)).toBe(n));
  it.each(['6212345678901265', '8171999927660000', '6765780016990268', '5019717010103742', '2200000000000004'])('%s passes Luhn on its network', (d) => expect(isCardNumber(d)).toBe(true));
  it.each([
    '{"request_id":"550e8400-e29b-41d4-a716-446655440000"}',
    '{"id":"12345678-1234-4123-8123-411111111111"}',
    '{"order_number":"4111111111111111"}',
    '{"ref":"ORD-4111111111111111"}',
    '{"ts_ms":1732262400000}',
    'epoch 1732262400000 ms',
    '{"trace_id":"4111111111111111"}',
  ])('not a card or a phone: %s', (line) => expect(cats(line)).toEqual([]));
});

describe('findings explain themselves', () => {
  it('name the field, the rule and the policy entry that would exempt them', () => {
    const [f] = detectLine('{"upstream":"10.0.0.1","origin":"52.1.2.3"}', ctx);
    expect(f).toMatchObject({ category: 'ip', field: 'origin', rule: 'ip.public' });
    expect(f.exempt).toContain('fields.infrastructure: origin');
    for (const line of ['to jane@acme.io', '{"username":"bob"}', 'pan 4111 1111 1111 1111', 'call +44 20 7183 8750']) {
      const [g] = detectLine(line, ctx);
      expect(RULES[g.rule], line).toBeDefined();
      expect(g.exempt.length, line).toBeGreaterThan(5);
    }
  });
});

describe('policy values', () => {
  it('the runbook policy is valid; mistakes are named one per line', () => {
    expect(policyProblems(policy)).toEqual([]);
    expect(policyProblems(EMPTY_POLICY)).toEqual([]);
    const bad = policyProblems({ ...policy, allowedRanges: ['10.0.0.0/33'], phoneCountries: ['usa' as never], ownDomains: ['not a domain'] });
    expect(bad).toEqual([
      "allowedRanges[0] '10.0.0.0/33' is not an IP address or CIDR",
      "ownDomains[0] 'not a domain' is not a domain",
      "phoneCountries[0] 'usa' is not an ISO 3166 country code",
    ]);
  });
  it('without a policy nothing is exempt but non-routable ranges', () => {
    const none = detectContext();
    expect(cats('{"upstream_addr":"52.1.2.3","from":"no-reply@acme.io","username":"svc-x"}', none)).toEqual(['ip', 'email', 'username']);
    expect(cats('{"upstream_addr":"10.1.2.3"}', none)).toEqual([]);
  });
});

describe('docs/pii.md', () => {
  it('shows the default policy as the runbook defines it (run npm run docs after changing it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderPolicySection } = await import('../../src/pii/policy-doc.ts');
    const doc = readFileSync(new URL('../../docs/pii.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderPolicySection(policy));
    for (const id of Object.keys(RULES)) expect(doc, id).toContain(`\`${id}\``);
  });
});

describe('internationalised addresses', () => {
  it('reads UTF-8 local parts and Unicode domains, normalised to punycode', () => {
    const l = Buffer.from('to jürgen@müller.de ok').toString('latin1');
    expect(detectLine(l, ctx).map((f) => [f.category, f.norm])).toEqual([['email', 'jürgen@xn--mller-kva.de']]);
    expect(cats(Buffer.from('from NoReply@müller.de').toString('latin1'))).toEqual([]);
  });
});

describe('the flagship runbook', () => {
  it('hangs the policy of pii-policy.ts on runbook.pii (pii-scan reads the file beside the index)', async () => {
    const { runbook } = await import('../../runbooks/webhook-delivery/index.ts');
    expect(runbook.pii).toBe(policy);
  });
});

describe('mail servers, Windows events and database logs', () => {
  const users = (line: string, c = ctx) => found(line, c).filter(([cat]) => cat === 'username');
  it.each([
    ['pop3-login: Disconnected (no auth attempts): user=<>, rip=10.4.114.252', []],
    ['imap-login: Login: user=<bob>, method=PLAIN, rip=10.1.2.3', [['username', 'user']]],
    ['<Event><EventData><Data Name="SubjectUserName">SYSTEM</Data><Data Name="TargetUserName">nina.kapoor</Data></EventData></Event>', [['username', 'target_user_name']]],
    ['<TargetUserName>jdoe</TargetUserName>', [['username', 'target_user_name']]],
    ['{"winlog":{"event_data":{"TargetUserName":"Benjamin","SubjectUserName":"WEB01$"}}}', [['username', 'winlog.event_data.target_user_name']]],
    ['<Data Name="TargetUserName">LOCAL SERVICE</Data>', []],
    ['LOG:  connection authorized: user=cloud_admin database=postgres application_name=psql', []],
    ['[4124]: user=app,db=maindb,app=[unknown] LOG:  duration: 0.5 ms', []],
    ['{"user":"jsmith","db":"prod"}', [['username', 'user']]],
    ['2026-11-22 10:00:02 UTC [4125]: db=maindb,user=report_ro LOG:  statement: SELECT 1', []],
    ['level=info user=alice db=orders msg="order placed"', [['username', 'user']]],
    ['2025-08-29 14:21:35 LOG:  connection authorized: user=app db=maindb', []],
    ['login ok user=jsmith from=81.2.69.160', [['username', 'user']]],
  ])('%s', (line, want) => expect(users(line)).toEqual(want));

  it('a one-segment pattern whose words all follow its `*` names a member, not any object', () => {
    const p = (username: string[]) => compilePolicy({ ...policy, fields: { ...policy.fields, username } });
    expect(p(['username', '*_user_name']).mayParentUsernameField('user_agent')).toBe(false);
    expect(p(['user*']).mayParentUsernameField('user_agent')).toBe(true);
    expect(p(['*.nick']).mayParentUsernameField('anything')).toBe(true);
    expect(users('{"x":{"y":{"target_user_name":"bob"}}}')).toEqual([['username', 'x.y.target_user_name']]);
  });

  it.each([
    ['postfix/cleanup[123]: 4F9D195432C: message-id=<1234@example.com>', []],
    ['postfix/cleanup[1]: message-id=<5afa242e.hP5p/mry+fTNNjms%no-reply@example.com>', []],
    ['Message-ID: <CAF=abc123@mail.gmail.com>', []],
    ['In-Reply-To: <x9@acme.io>', []],
    ['{"message_id":"<a1b2@mx.acme.io>","to":"jane@acme.io"}', [['email', 'to']]],
    ['postfix/smtp[1]: 4F9D: to=<jane@acme.io>, relay=mx.acme.io', [['email', 'text']]],
    // the kernel's boot banner names its build account and host
    ['Jun 14 15:16:01 combo kernel: Linux version 4.18.0-477.el8.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com) (gcc version 8.5.0) #1 SMP', []],
    ['kernel: mail from dave@example.org (Linux version 2 (see))', [['email', 'text']]],
  ])('a Message-ID is no mailbox: %s', (line, want) => expect(found(line).filter(([c]) => c === 'email')).toEqual(want));
});

describe('logins that authentication programs name in syslog', () => {
  const users = (line: string) => detectLine(line, ctx).filter((f) => f.category === 'username').map((f) => [line.slice(f.start, f.end), f.rule]);
  it.each([
    ['Nov 13 10:10:10 web-01 sshd[2211]: Accepted publickey for alice from 10.0.3.4 port 52144 ssh2', ['alice']],
    ['Nov 13 10:10:11 web-01 sshd[2212]: Failed password for bob from 10.0.3.5 port 22 ssh2', ['bob']],
    ['Nov 13 10:10:11 web-01 sshd[2212]: Failed password for invalid user admin from 10.0.3.5 port 22 ssh2', []],
    ['Nov 13 10:10:19 web-01 sshd[2216]: Invalid user oracle from 10.0.3.9 port 4243', []],
    ['Nov 13 10:10:12 web-01 sshd[2213]: pam_unix(sshd:session): session opened for user carol(uid=1001) by (uid=0)', ['carol']],
    ['Nov 13 10:10:13 web-01 sudo[3001]:    dave : TTY=pts/0 ; PWD=/home/dave ; USER=root ; COMMAND=/usr/bin/ls', ['dave']],
    ['Nov 13 10:10:14 web-01 sudo[3001]: pam_unix(sudo:session): session opened for user root(uid=0) by erin(uid=1000)', ['erin']],
    ['Nov 13 10:10:15 web-01 su[3002]: (to root) frank on pts/1', ['frank']],
    ['Nov 13 10:10:16 web-01 systemd-logind[901]: New session 42 of user grace.', ['grace']],
    ['Nov 13 10:10:17 web-01 sshd[2214]: Accepted publickey for ubuntu from 10.0.3.4 port 52144 ssh2', []],
    ['Nov 13 10:10:18 web-01 sshd[2215]: Connection closed by authenticating user heidi 10.0.3.9 port 4242 [preauth]', ['heidi']],
    ['Nov 13 10:10:20 web-01 myapp[77]: Accepted publickey for ivan from 10.0.0.1', []],
    ['2026-11-13T10:10:21.123456+00:00 web-01 sshd[2217]: Accepted password for judy from 10.0.3.4 port 1 ssh2', ['judy']],
    // tags without a pid: found from sudo's `; USER=` and PAM's `for user`
    ['Nov 13 10:11:00 web-01 sudo:    kim : TTY=pts/0 ; PWD=/home/kim ; USER=root ; COMMAND=/usr/bin/ls', ['kim']],
    ['Nov 13 10:11:01 web-01 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by leo(uid=1000)', ['leo']],
    ['Nov 13 10:11:02 web-01 su: pam_unix(su:session): session opened for user root(uid=0) by mia(uid=1001)', ['mia']],
    ['Nov 13 10:11:03 web-01 sudo:     ned : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/ned ; USER=root ; COMMAND=/bin/bash', ['ned']],
    ['Nov 13 10:11:04 web-01 sudo:  oscar : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/oscar ; USER=root ; COMMAND=/bin/bash', ['oscar']],
    // RFC 5424 and journald's JSON, from the same words
    ['<86>1 2026-11-13T10:11:05.000Z web-01 sudo - - -    pat : TTY=pts/1 ; PWD=/home/pat ; USER=root ; COMMAND=/bin/ls', ['pat']],
    ['<86>1 2026-11-13T10:11:06Z web-01 sshd 2218 - [meta x="1"] pam_unix(sshd:session): session opened for user quinn(uid=1003) by (uid=0)', ['quinn']],
    ['{"_HOSTNAME":"web-01","SYSLOG_IDENTIFIER":"sudo","MESSAGE":"   rae : TTY=pts/2 ; PWD=/home/rae ; USER=root ; COMMAND=/bin/ls"}', ['rae']],
    // more of sshd's, login's and the account tools' phrasings
    ['Nov 13 10:11:07 web-01 sshd[2219]: Postponed publickey for sam from 10.0.3.4 port 52144 ssh2 [preauth]', ['sam']],
    ['Nov 13 10:11:08 web-01 sshd[2220]: User tess from 10.0.3.4 not allowed because not listed in AllowUsers', ['tess']],
    ['Nov 13 10:11:09 web-01 login[901]: FAILED LOGIN (1) on \'/dev/tty1\' FOR \'uma\', Authentication failure', ['uma']],
    ['Nov 13 10:11:10 web-01 passwd[4251]: pam_unix(passwd:chauthtok): password changed for vic', ['vic']],
    ['Nov 13 10:11:11 web-01 useradd[4252]: new user: name=wren, UID=1004, GID=1004, home=/home/wren, shell=/bin/bash', ['wren']],
    ['Nov 13 10:11:12 web-01 userdel[4253]: delete user \'xena\'', ['xena']],
    ['Nov 13 10:11:13 web-01 CRON[4254]: pam_unix(cron:session): session opened for user yuri(uid=1005) by (uid=0)', ['yuri']],
    ['Nov 13 10:11:14 web-01 CRON[4255]: pam_unix(cron:session): session closed for user root', []],
    // older PAM tags the program (loghub's Linux sample): the login is read, LOGIN and system users are not
    ['Jun 14 15:16:01 combo sshd(pam_unix)[19939]: session opened for user amy by (uid=509)', ['amy']],
    ['Jun 14 15:16:02 combo sshd(pam_unix)[19939]: session closed for user amy', ['amy']],
    ['Jun 14 15:16:03 combo login(pam_unix)[2000]: session opened for user root by LOGIN(uid=0)', []],
    ['Jun 14 15:16:04 combo su(pam_unix)[2001]: session opened for user news by (uid=0)', []],
    ['Jun 14 15:16:05 combo su(pam_unix)[2002]: session closed for user cyrus', []],
    // the service and group in `pam_unix(login:session)` are no key and value
    ['Nov 13 10:11:16 web-01 login[2003]: pam_unix(login:session): session opened for user bea(uid=1000) by LOGIN(uid=0)', ['bea']],
    // not an authentication program's message
    ['Nov 13 10:11:15 web-01 myapp: job done for user zoe (uid=7)', []],
    ['level=info msg="sudo: session opened for user zed"', []],
  ])('%s', (line, want) => expect(users(line)).toEqual(want.map((u) => [u, 'username.auth-log'])));
});

describe('where an email address ends', () => {
  const emails = (line: string) => detectLine(line, ctx).filter((f) => f.category === 'email').map((f) => line.slice(f.start, f.end));
  it.each([
    ['mail jane@example.com’s inbox', 'jane@example.com'],
    ['«jane@example.org»', 'jane@example.org'],
    ['“jane@example.com”', 'jane@example.com'],
    ['mail jane@example.com© 2024', 'jane@example.com'],
    ['jane@example.com。', 'jane@example.com'],
    ['email：jane@example.com', 'jane@example.com'],
    ['x jöran@bücher.de y', 'jöran@bücher.de'],
  ])('at non-letter Unicode: %s', (text, want) => {
    // detection reads latin1-decoded UTF-8, as the scanner hands it lines
    const line = Buffer.from(text, 'utf8').toString('latin1');
    expect(emails(line).map((e) => Buffer.from(e, 'latin1').toString('utf8'))).toEqual([want]);
  });
  it.each([
    ['{"msg":"Jane Doe \\u003Cjane@acme.io\\u003E"}', ['jane@acme.io']],
    ['{"msg":"reply to \\u003Cnoreply@acme.io\\u003E"}', []],
    ['{"msg":"Contact:\\njane@acme.io"}', ['jane@acme.io']],
    ['{"msg":"from:\\nnoreply@acme.io"}', []],
  ])('after a JSON escape (.NET writes < as \\u003C): %s', (line, want) => expect(emails(line)).toEqual(want));
  it('RFC 5321 lengths: 64 bytes of local part, 254 in all', () => {
    expect(emails(`to ${'a'.repeat(64)}@example.com`)).toHaveLength(1);
    expect(emails(`to ${'a'.repeat(65)}@example.com`)).toEqual([]);
    // a token glued before an address is not the address: it starts after the token's last `_`, `.` or `-`
    expect(emails('{"msg":"user_created_successfully_for_customer_account_id_1234567890_with_email_jane@acme.io"}')).toEqual(['jane@acme.io']);
    expect(emails(`to ${'a'.repeat(64)}@${['a'.repeat(63), 'a'.repeat(63), 'a'.repeat(63), 'a'.repeat(58)].join('.')}.com`)).toEqual([]);
  });
  it('the redacted sample starts with the first character, not the first byte of its UTF-8', () => {
    const line = Buffer.from('to ｇｍａｉｌ@gmail.com', 'utf8').toString('latin1');
    expect(detectLine(line, ctx)[0].redacted).toBe('ｇ***@g***.com');
  });
});

describe('cards in long runs of numbers, UATP, grouping', () => {
  const cards = (line: string) => detectLine(line, ctx).filter((f) => f.category === 'card').map((f) => f.redacted);
  it('an AWS VPC flow log is no card; a card at the end of a long run still is', () => {
    expect(cards('2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK')).toEqual([]);
    expect(cards('123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4111111111111111')).toEqual(['**** **** **** 1111']);
    expect(cards('123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4111 1111 1111 1111 end')).toEqual(['**** **** **** 1111']);
    expect(cards(Array.from({ length: 300 }, (_, i) => i).join(' '))).toEqual([]);
  });
  it('groups are printed as cards print them', () => {
    expect(cards('pan 3782 822463 10005')).toHaveLength(1);
    expect(cards('pan 3056 9309 0259 04')).toHaveLength(1);
    expect(cards('values 44 45 46 47 48 49 50 51 52')).toEqual([]);
    // a first group of 2 (an 18-digit UnionPay number that passes Luhn when glued)
    expect(cards('ids 62 1234 5678 9012 3457')).toEqual([]);
    expect(cards('pan 621234567890123457')).toHaveLength(1);
  });
  it("counts read out in a row are no card, whatever Luhn says (loghub's HealthApp)", () => {
    // `5015 150454 240` passes Luhn on Maestro's range; 4-6-3 is no card's layout
    expect(cards('20171223-22:15:39:156|Step_StandReportReceiver|30002312|REPORT : 7024 5015 150454 240')).toEqual([]);
    // the layouts cards are printed in: fours (last 2 to 5), 4-6-5, 4-6-4, UATP's 4-5-6 where a card is named
    expect(cards('pan 4111-1111-1111-1111')).toHaveLength(1);
    expect(cards('pan 4222 2222 22222')).toHaveLength(1);
    expect(cards('pan 6759 6498 2643 8453 006')).toHaveLength(1);
    expect(cards('card 1220 00000 000003')).toHaveLength(1);
    expect(cards('pan 411111 1111 1111 11')).toEqual([]);
  });
  it.each([
    ['my credit card: 122000000000003', 1],
    ['{"card_number":"122000000000003"}', 1],
    ['{"pan":"1220 00000 000003"}', 1],
    ['order 122000000000003 shipped', 0],
    ['{"order_id":"122000000000003"}', 0],
    ['{"msg":"x","value":"122000000000003"}', 0],
  ])('a UATP card only where a card is named: %s', (line, n) => expect(cards(line)).toHaveLength(n));
});

describe('phones glued to words and dialled with 00 in text', () => {
  it.each([
    ['x +14156667777def', 0],
    ['x +14156667777x123 y', 1],
    ['x +1 415 666 7777 ext. 5', 1],
    ['{"phone":"+14156667777abc"}', 1],
    ['2026-11-22T10:00:01Z INFO user contact 0064 3 331 6005 saved', 1],
    // .NET's default JSON encoder writes + as \u002B
    ['{"phone":"\\u002B14155550132"}', 1],
    ['{"msg":"sms to \\u002B44 20 7946 0958 queued"}', 1],
    ['{"ts":"2026-11-22T10:00:01.123\\u002B00:00","msg":"ok"}', 0],
    // a national number with its extension glued on (python-phonenumbers', CommonRegex's cases)
    ['user contact (523)222-8888x623 saved', 1],
    ['call 523-222-8888EXT623 now', 1],
    ['call 523-222-8888 ext.623 now', 1],
    ['{"phone":"(523)222-8888x623"}', 1],
    ['ref 523-222-8888abc', 0],
    ['ref 523-222-8888xyz', 0],
    // under a phone field, a date and time is not a phone's shape
    ['{"phone":"2014-04-12 04:04 PM"}', 0],
    ['{"phone":"2012/01/02"}', 0],
    ['{"phone":"20120102 08:00"}', 0],
    ['{"phone":"2012010208"}', 1],
  ])('%s', (line, n) => expect(cats(line).filter((c) => c === 'phone')).toHaveLength(n));

  it.each([
    ['call É415-666-7777 now', 0],
    ['call é415-666-7777 now', 0],
    ['call $415-666-7777 now', 0],
    ['call £415-666-7777 now', 0],
    ['call 415-666-7777% now', 0],
    ['x +14156667777É y', 0],
    ['call É(415)6667777 now', 1],
    ['電話415-666-7777です', 1],
    ['appelez le 415-666-7777, merci', 1],
  ])('glued to a Latin letter, a currency or percent sign, as libphonenumber judges: %s', (text, n) => {
    const line = Buffer.from(text, 'utf8').toString('latin1');
    expect(cats(line).filter((c) => c === 'phone')).toHaveLength(n);
  });

  it.each([
    ['call +٩٦٦ ٥٠ ١٢٣ ٤٥٦٧ please', '+966501234567'],
    ['tel +１ (６５０) ３３３－６０００ ok', '+16503336000'],
    ['x +1 415 555 0132 y', '+14155550132'],
  ])('digits of other scripts after + are read as libphonenumber reads them: %s', (text, e164) => {
    const line = Buffer.from(text, 'utf8').toString('latin1');
    const f = detectLine(line, ctx).filter((x) => x.category === 'phone');
    expect(f.map((x) => x.norm)).toEqual([e164]);
    // the span is the number as written, ending on its last digit
    expect(Buffer.from(line.slice(f[0].start, f[0].end), 'latin1').toString('utf8')).toBe(text.slice(text.indexOf('+'), text.search(/[0-9٠-٩０-９](?![0-9٠-٩０-９ ()（）－-]*[0-9٠-٩０-９])/) + 1));
  });
});
