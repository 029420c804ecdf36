// Who may do what is decided from the caller's certificate: its MSP (which org issued it) and
// the attributes its org's CA put in it (role, ngoId). Never from a payload field. The orgs, roles
// and attributes are declared in @donation-ledger/model: the API registers its users with them.
import { createHash } from 'node:crypto';
import { CertificateAttribute, DONOR_KEY_LENGTH, DONOR_PLATFORM_MSP, NGO_MSP, Role } from '@donation-ledger/model';
import { Context } from 'fabric-contract-api';
import { forbidden } from './errors';
import { DonorRef } from './records';

export interface Caller {
  readonly mspId: string;
  /** The certificate's subject and issuer: stable for one enrolled identity. */
  readonly id: string;
  readonly role: string | undefined;
  /** The NGO a staff member works for (certificate attribute ngoId). */
  readonly ngoId: string | undefined;
  readonly isOrgAdmin: boolean;
}

export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return {
    mspId: identity.getMSPID(),
    id: identity.getID(),
    role: identity.getAttributeValue(CertificateAttribute.Role) ?? undefined,
    ngoId: identity.getAttributeValue(CertificateAttribute.NgoId) ?? undefined,
    // Fabric CA puts the identity's registered type in every enrollment certificate.
    isOrgAdmin: identity.getAttributeValue('hf.Type') === 'admin',
  };
}

const isNgoAdmin = (c: Caller): boolean => c.mspId === NGO_MSP && (c.role === Role.NgoAdmin || c.isOrgAdmin);
const isStaffOf = (c: Caller, ngoId: string): boolean => c.mspId === NGO_MSP && c.role === Role.NgoStaff && c.ngoId === ngoId;

/** Registering and suspending NGOs: administrators of the NGO org. */
export function requireNgoAdmin(ctx: Context, action: string): Caller {
  const caller = callerOf(ctx);
  if (!isNgoAdmin(caller)) throw forbidden(`only administrators of ${NGO_MSP} may ${action} (caller: ${describe(caller)})`);
  return caller;
}

/** Campaigns of an NGO: the NGO org's administrators or that NGO's own staff. */
export function requireNgoManager(ctx: Context, ngoId: string, action: string): Caller {
  const caller = callerOf(ctx);
  if (!isNgoAdmin(caller) && !isStaffOf(caller, ngoId)) {
    throw forbidden(`only administrators of ${NGO_MSP} or staff of NGO ${ngoId} may ${action} (caller: ${describe(caller)})`);
  }
  return caller;
}

/** Spends of an NGO: only that NGO's staff, as their certificate says. */
export function requireStaffOf(ctx: Context, ngoId: string, action: string): Caller {
  const caller = callerOf(ctx);
  if (!isStaffOf(caller, ngoId)) throw forbidden(`only staff of NGO ${ngoId} may ${action} (caller: ${describe(caller)})`);
  return caller;
}

/** Governance: administrators (hf.Type admin) of one of the given orgs, usually the members. */
export function requireOrgAdminOf(ctx: Context, mspIds: readonly string[], action: string): Caller {
  const caller = callerOf(ctx);
  if (!caller.isOrgAdmin || !mspIds.includes(caller.mspId)) {
    const admin = caller.isOrgAdmin ? 'admin' : 'not an admin';
    const who = mspIds.length > 0 ? `only administrators of ${mspIds.join(', ')}` : 'no org';
    throw forbidden(`${who} may ${action} (caller: ${describe(caller)}, ${admin})`);
  }
  return caller;
}

export function requireDonor(ctx: Context, action: string): DonorRef {
  const caller = callerOf(ctx);
  if (caller.mspId !== DONOR_PLATFORM_MSP || caller.role !== Role.Donor) {
    throw forbidden(`only donors of ${DONOR_PLATFORM_MSP} may ${action} (caller: ${describe(caller)})`);
  }
  // The certificate subject names the user: the ledger keeps only a hash of it.
  return { mspId: caller.mspId, key: donorKeyOf(caller.mspId, caller.id) };
}

/**
 * Settling and refunding donations: the payment service of the donor platform (role=payments in
 * its certificate). It is the one party that sees money move, so its word makes a pledge money.
 */
export function requirePayments(ctx: Context, action: string): Caller {
  const caller = callerOf(ctx);
  if (caller.mspId !== DONOR_PLATFORM_MSP || caller.role !== Role.Payments) {
    throw forbidden(`only the payment service of ${DONOR_PLATFORM_MSP} (role ${Role.Payments}) may ${action} (caller: ${describe(caller)})`);
  }
  return caller;
}

/** Confirming a milestone: a validator (role=validator) or an admin of the campaign's validator org. */
export function requireValidatorOf(ctx: Context, validatorMspId: string, action: string): Caller {
  const caller = callerOf(ctx);
  if (caller.mspId !== validatorMspId || (caller.role !== Role.Validator && !caller.isOrgAdmin)) {
    throw forbidden(`only validators (role ${Role.Validator}) or admins of ${validatorMspId} may ${action} (caller: ${describe(caller)})`);
  }
  return caller;
}

/**
 * Cancelling a pledge: the donor who made it, or the payment service of the org it was made
 * through (which learns first when a payment fails).
 */
export function requirePledgerOrPayments(ctx: Context, donor: DonorRef, action: string): Caller {
  const caller = callerOf(ctx);
  const isPledger = caller.mspId === DONOR_PLATFORM_MSP && caller.role === Role.Donor && donorKeyOf(caller.mspId, caller.id) === donor.key;
  const isPayments = caller.mspId === donor.mspId && caller.role === Role.Payments;
  if (!isPledger && !isPayments) throw forbidden(`only the donor who pledged or the payment service of ${donor.mspId} may ${action} (caller: ${describe(caller)})`);
  return caller;
}

/** A short, stable name for a donor that carries no personal data. */
export function donorKeyOf(mspId: string, id: string): string {
  return createHash('sha256').update(`${mspId}\n${id}`).digest('hex').slice(0, DONOR_KEY_LENGTH);
}

function describe(caller: Caller): string {
  const ngo = caller.ngoId ? `, ngoId ${caller.ngoId}` : '';
  return `${caller.mspId}, role ${caller.role ?? 'none'}${ngo}`;
}
