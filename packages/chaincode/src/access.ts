// Who may do what is decided from the caller's certificate: its MSP (which org issued it) and
// the attributes its org's CA put in it (role, ngoId). Never from a payload field.
import { Context } from 'fabric-contract-api';
import { forbidden } from './errors';

/** The org that runs the donor platform; its users with role=donor give money. */
export const DONOR_PLATFORM_MSP = 'DonorPlatformMSP';
/** The org of the NGOs; its admins register NGOs, its staff record spends. */
export const NGO_MSP = 'NgoMSP';

export const Role = {
  Donor: 'donor',
  NgoAdmin: 'ngo-admin',
  NgoStaff: 'ngo-staff',
} as const;

export interface Caller {
  readonly mspId: string;
  /** The certificate's subject and issuer: stable for one enrolled identity. */
  readonly id: string;
  readonly role: string | undefined;
  readonly isOrgAdmin: boolean;
}

export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return {
    mspId: identity.getMSPID(),
    id: identity.getID(),
    role: identity.getAttributeValue('role') ?? undefined,
    // Fabric CA puts the identity's registered type in every enrollment certificate.
    isOrgAdmin: identity.getAttributeValue('hf.Type') === 'admin',
  };
}

export function requireNgoAdmin(ctx: Context): Caller {
  const caller = callerOf(ctx);
  if (caller.mspId !== NGO_MSP || !(caller.role === Role.NgoAdmin || caller.isOrgAdmin)) {
    throw forbidden(`only administrators of ${NGO_MSP} may register NGOs (caller: ${describe(caller)})`);
  }
  return caller;
}

export function requireDonor(ctx: Context): Caller {
  const caller = callerOf(ctx);
  if (caller.mspId !== DONOR_PLATFORM_MSP || caller.role !== Role.Donor) {
    throw forbidden(`only donors of ${DONOR_PLATFORM_MSP} may donate (caller: ${describe(caller)})`);
  }
  return caller;
}

function describe(caller: Caller): string {
  return `${caller.mspId}, role ${caller.role ?? 'none'}`;
}
