/** Discord's MANAGE_GUILD bit ("Manage Server" in the client). */
export const MANAGE_GUILD = 1n << 5n;
export const ADMINISTRATOR = 1n << 3n;

export interface MemberAccess {
  permissions: bigint;
  roles: readonly string[];
}

/**
 * Who may add and remove documents: members with Manage Server (or
 * Administrator, which implies it), or holders of the analyst role. Outside a
 * server there is no member and so no permission.
 */
export function mayChangeLibrary(member: MemberAccess | undefined, analystRoleId: string | undefined): boolean {
  if (!member) return false;
  if ((member.permissions & (MANAGE_GUILD | ADMINISTRATOR)) !== 0n) return true;
  return analystRoleId !== undefined && member.roles.includes(analystRoleId);
}

export function refusal(action: string): string {
  return `You need the Manage Server permission (or the analyst role) to ${action}.`;
}
