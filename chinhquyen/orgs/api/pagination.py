from rest_framework.pagination import LimitOffsetPagination


class OrganisationPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
