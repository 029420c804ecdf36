// Who is who on the ledger. The chaincode decides from the caller's certificate: the MSP that
// issued it and the attributes its org's CA put in it. The API registers its users' identities
// with these attributes, and the network's topology gives them to its users (topology.json).

/** The org that runs the donor platform; its users with role=donor give money. */
export const DONOR_PLATFORM_MSP = 'DonorPlatformMSP';
/** The org of the NGOs; its admins register NGOs, its staff record spends. */
export const NGO_MSP = 'NgoMSP';

/** Values of the certificate attribute `role`. */
export const Role = {
  Donor: 'donor',
  NgoAdmin: 'ngo-admin',
  NgoStaff: 'ngo-staff',
  /** The donor platform's payment service: attests that pledged money arrived, and refunds it. */
  Payments: 'payments',
  /** Confirms milestones of outcome-based campaigns that name its org as validator. */
  Validator: 'validator',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** The certificate attributes the chaincode reads (an org admin is told by Fabric CA's own hf.Type). */
export const CertificateAttribute = {
  Role: 'role',
  /** The NGO a staff member works for. */
  NgoId: 'ngoId',
} as const;
export type CertificateAttribute = (typeof CertificateAttribute)[keyof typeof CertificateAttribute];
