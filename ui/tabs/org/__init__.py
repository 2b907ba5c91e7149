"""成员单位 and 组织架构 tabs: units with their four people and staff, the leading group, villages
and
grids, publicity groups, contacts."""
