//! Line-based three-way merge, conflict markers, conflict parsing and resolution (DESIGN §7).
