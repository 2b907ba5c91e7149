"""劝阻案例 and 奖励与表彰 tabs: cases, their people and panels, figures, awards and clues."""
