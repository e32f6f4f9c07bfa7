"""Operations: backup and restore (issue 18 §4) and the edge that refuses bad requests (§5)."""
