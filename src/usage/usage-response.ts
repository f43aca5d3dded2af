import { z } from 'zod';

/**
 * The reply of `GET {base}/codex/usage` (and `/wham/usage`). Parsed leniently: every field may be
 * missing or null and unknown fields are ignored, because the backend changes without notice.
 */
const nullableNumber = z.number().nullish().catch(null);

export const UsageWindowReplySchema = z.looseObject({
  used_percent: nullableNumber,
  limit_window_seconds: nullableNumber,
  reset_after_seconds: nullableNumber,
  reset_at: nullableNumber,
});
export type UsageWindowReply = z.infer<typeof UsageWindowReplySchema>;

const window = UsageWindowReplySchema.nullish().catch(null);

export const RateLimitReplySchema = z.looseObject({
  allowed: z.boolean().nullish().catch(null),
  limit_reached: z.boolean().nullish().catch(null),
  primary_window: window,
  secondary_window: window,
});
export type RateLimitReply = z.infer<typeof RateLimitReplySchema>;

export const CreditsReplySchema = z.looseObject({
  has_credits: z.boolean().nullish().catch(null),
  unlimited: z.boolean().nullish().catch(null),
  balance: z.union([z.number(), z.string()]).nullish().catch(null),
});
export type CreditsReply = z.infer<typeof CreditsReplySchema>;

export const UsageReplySchema = z.looseObject({
  plan_type: z.string().nullish().catch(null),
  rate_limit: RateLimitReplySchema.nullish().catch(null),
  credits: CreditsReplySchema.nullish().catch(null),
  additional_rate_limits: z
    .array(
      z.looseObject({
        limit_name: z.string().nullish().catch(null),
        metered_feature: z.string().nullish().catch(null),
        rate_limit: RateLimitReplySchema.nullish().catch(null),
      }),
    )
    .nullish()
    .catch(null),
  rate_limit_reached_type: z
    .looseObject({ type: z.string().nullish().catch(null) })
    .nullish()
    .catch(null),
});
export type UsageReply = z.infer<typeof UsageReplySchema>;
