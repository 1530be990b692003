import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { IngestRefusal } from './errors.js';

/** Resolves a host name to every address it has (injectable so tests can play DNS). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

// Everything ipaddr.js names except ordinary internet addresses: loopback,
// private, link-local (cloud metadata lives at 169.254.169.254), unique-local,
// CGNAT (carrierGradeNat), multicast, reserved, unspecified, and the rest.
const PUBLIC_RANGE = 'unicast';

/** True when `address` is an ordinary public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.parse(address);
  const v4 = ip.kind() === 'ipv6' ? embeddedIPv4(ip as ipaddr.IPv6) : undefined;
  return (v4 ?? ip).range() === PUBLIC_RANGE;
}

/**
 * The IPv4 address inside an IPv4-mapped (`::ffff:127.0.0.1`) or the
 * deprecated IPv4-compatible form (`::127.0.0.1`, first 96 bits zero): the
 * kernel may reach that IPv4 host, so it is judged as that host. `::` and
 * `::1` come out as 0.0.0.0 and 0.0.0.1, never public either way.
 */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  const p = ip.parts;
  if (p.slice(0, 6).some((part) => part !== 0)) return undefined;
  return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
}

/** URL host without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function privateRefusal(host: string): IngestRefusal {
  return new IngestRefusal(
    `I won't fetch \`${host.slice(0, 100)}\`: it points to a private, local or internal network address. Only public web addresses can be ingested.`,
  );
}

/** The part of the check that needs no DNS: a literal private address is refused before anything else happens. */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = bareHost(url);
  if (!allowPrivate && isIP(host) && !isPublicAddress(host)) throw privateRefusal(host);
}

/**
 * The address to connect to for `url`: resolved here, checked here, and then
 * pinned by the caller, so a second DNS answer (rebinding) never reaches the
 * socket. Every address of the name must be public: a name that also resolves
 * to a private address is refused rather than raced.
 */
export async function checkedAddress(
  url: URL,
  opts: { allowPrivate: boolean; resolve: Resolver; isAllowed?: (address: string) => boolean },
): Promise<{ address: string; family: 4 | 6 }> {
  const host = bareHost(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await opts.resolve(host);
    } catch {
      throw new IngestRefusal(`I could not find the server \`${host.slice(0, 100)}\` (the name does not resolve).`);
    }
  }
  if (addresses.length === 0) throw new IngestRefusal(`I could not find the server \`${host.slice(0, 100)}\`.`);
  if (!opts.allowPrivate && !addresses.every(opts.isAllowed ?? isPublicAddress)) throw privateRefusal(host);
  const address = addresses[0]!;
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}
