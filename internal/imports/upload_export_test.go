package imports

// ConversionTurnsTaken is how many of s's XLSX conversion turns are held.
func ConversionTurnsTaken(s *Service) int { return len(s.converting) }
