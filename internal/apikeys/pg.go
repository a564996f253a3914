package apikeys

import (
	"errors"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

func pqArray(v []string) any     { return pq.StringArray(v) }
func pqInt64Array(v []int64) any { return pq.Int64Array(v) }
