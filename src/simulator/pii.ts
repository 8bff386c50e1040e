// Fake but realistic PII the simulator plants in its logs for the scanner to catch.
// Every value has the shape a real leak has (real TLDs, public IPs, numbers a phone
// library accepts, Luhn-valid cards on real network prefixes) and belongs to nobody.
import type { PiiCategory } from '../contract/metrics.ts';
import type { Random } from './random.ts';

export const PLANTED_CATEGORIES = ['email', 'username', 'ip', 'phone', 'card'] as const satisfies readonly PiiCategory[];

export const FAKE_PII: Readonly<Record<(typeof PLANTED_CATEGORIES)[number], readonly string[]>> = {
  email: ['maria.gonzalez@acme-mail.io', 'j.smith@globex.net', 'priya.k@initech.co.uk', 'tom.becker@umbrella-corp.de'],
  username: ['mgonzalez', 'jsmith_82', 'priya.k', 'tbecker'],
  // Public addresses from the MaxMind GeoIP test data; none is loopback, private or 0.0.0.0.
  ip: ['81.2.69.160', '89.160.20.112', '175.16.199.14', '2a02:cf40::3'],
  // Valid per libphonenumber (fictional ranges where a country has them).
  phone: ['+1 201-555-0123', '+44 7400 123456', '+49 30 901820', '+33 6 12 34 56 78'],
  // The networks' published test numbers.
  card: ['4111 1111 1111 1111', '5555-5555-5555-4444', '3782 822463 10005', '6011111111111117'],
};

/** The log field a leak of each category typically arrives in. */
export const LEAK_FIELDS: Readonly<Record<(typeof PLANTED_CATEGORIES)[number], string>> = {
  email: 'customer_email',
  username: 'username',
  ip: 'client_ip',
  phone: 'customer_phone',
  card: 'payment_card',
};

export interface PlantedLeak {
  category: (typeof PLANTED_CATEGORIES)[number];
  field: string;
  value: string;
}

export function plantLeak(rng: Random): PlantedLeak {
  const category = rng.pick(PLANTED_CATEGORIES);
  return { category, field: LEAK_FIELDS[category], value: rng.pick(FAKE_PII[category]) };
}
