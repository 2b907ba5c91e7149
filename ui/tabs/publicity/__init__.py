"""宣传活动 tab: activities with photos, the year's plan, who is behind."""
