/**
 * Why an account's cooldown was set (`health.cooldownReason`), where more than one layer needs to
 * recognise it: the failover policy writes it, the explanation reads it.
 */

/** The cooldown reason of an account out of quota; the explanation names the window instead. */
export const QUOTA_COOLDOWN_REASON = 'usage limit reached';
