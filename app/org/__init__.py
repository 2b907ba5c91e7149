"""The organisation: member units and their four people, the leading group, villages and grids,
contacts, staff lists, the three-tier publicity groups and setting a township up from a plan."""
