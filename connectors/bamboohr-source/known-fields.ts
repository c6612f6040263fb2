// The standard employee field names BambooHR documents (its "field names" list and the OpenAPI
// description's examples), so `validate` can point at a misspelt name in `fields` or a map step's
// `from`. A customer's own fields are reachable too: by numeric id, or by an alias such as
// customShirtSize; those are accepted as they are (the check is a warning, never an error).
export const STANDARD_FIELDS: readonly string[] = [
  'id', 'employeeNumber', 'firstName', 'lastName', 'middleName', 'preferredName', 'displayName', 'fullName1', 'fullName2', 'fullName3', 'fullName4', 'fullName5',
  'status', 'employmentHistoryStatus', 'hireDate', 'originalHireDate', 'terminationDate', 'lastChanged',
  'jobTitle', 'department', 'division', 'location', 'supervisor', 'supervisorId', 'supervisorEId', 'supervisorEmail', 'reportsTo',
  'departmentId', 'divisionId', 'locationId', 'jobTitleId', 'jobTitleName',
  'workEmail', 'homeEmail', 'bestEmail', 'workPhone', 'workPhoneExtension', 'workPhonePlusExtension', 'mobilePhone', 'homePhone',
  'address1', 'address2', 'city', 'state', 'stateCode', 'zipcode', 'country',
  'dateOfBirth', 'birthday', 'age', 'gender', 'maritalStatus', 'ethnicity', 'eeo', 'nationality', 'nationalId', 'ssn', 'sin', 'nin',
  'payRate', 'payType', 'payPer', 'paidPer', 'paySchedule', 'payScheduleId', 'payFrequency', 'payGroup', 'payGroupId', 'payChangeReason', 'payRateEffectiveDate',
  'exempt', 'flsaCode', 'standardHoursPerWeek', 'includeInPayroll', 'timeTrackingEnabled', 'acaStatus', 'acaStatusCategory',
  'bonusDate', 'bonusAmount', 'bonusReason', 'bonusComment', 'commissionDate', 'commissionAmount', 'commissionComment',
  'isPhotoUploaded', 'photoUploaded', 'photoUrl', 'canUploadPhoto', 'linkedIn', 'facebook', 'twitterFeed', 'instagram', 'pinterest',
];

/** A name the customer's account defines: a numeric field id, or a custom alias. */
export const isCustomFieldName = (name: string): boolean => /^\d+$/.test(name) || /^custom[A-Z0-9]/.test(name);

export function knownFieldsFor(fields: readonly string[] | undefined): readonly string[] {
  return [...STANDARD_FIELDS, ...(fields ?? []).filter(isCustomFieldName)];
}
