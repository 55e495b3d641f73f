// Enumerations of the SPEC, as lists for selects; labels come from the locale.

export const TENDER_STATUSES = ['draft', 'open', 'evaluating', 'awarded', 'completed', 'cancelled', 'failed']
export const PUBLIC_TENDER_STATUSES = ['open', 'evaluating', 'awarded', 'completed', 'failed', 'cancelled']
export const KINDS = ['purchase', 'venture']
export const FUNDING_SOURCES = ['fiscal', 'welfare_lottery', 'charity', 'social']
export const ORG_TYPES = ['social_org', 'social_work_agency', 'volunteer_org']
export const REGISTRATIONS = ['registered', 'filed']
export const ORG_STATUSES = ['pending', 'approved', 'rejected', 'suspended']
export const GRADES = ['1A', '2A', '3A', '4A', '5A']
export const USER_ROLES = ['admin', 'evaluator', 'auditor']
export const METHODS = ['comprehensive', 'lowest_price']
export const CRITERION_KINDS = ['quality', 'price']
